// The end-to-end tests run real sandboxes and judge host-wide facts (leftover cgroups, processes): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
