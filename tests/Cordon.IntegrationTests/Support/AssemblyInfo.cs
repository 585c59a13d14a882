// Sandboxed runs are judged partly by host-wide facts (no stray process, no leftover cgroup); running the
// tests of this assembly one at a time keeps those facts attributable to the test that just ran.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
