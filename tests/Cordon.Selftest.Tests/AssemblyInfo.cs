using System.Runtime.Versioning;

// The suite's own end-of-run sweep looks for any cgroup of this process; two suites at once would see each other's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: SupportedOSPlatform("linux")]
