namespace Cordon.Backends.Process.Cgroups;

/// <summary>One hierarchy a run uses, and this process's own cgroup directory in it.</summary>
/// <param name="Name">For messages: <c>memory</c>, <c>cpu,cpuacct</c>, or <c>v2</c>.</param>
/// <param name="Controllers">v1: the controllers bound to the hierarchy; v2: those we enable for runs.</param>
/// <param name="Directory">Our own cgroup, e.g. <c>/sys/fs/cgroup/memory/process_api/abc</c>; runs go below <c>Directory/cordon</c>.</param>
internal sealed record CgroupHierarchy(string Name, IReadOnlySet<string> Controllers, string Directory)
{
    /// <summary>The shared parent of all runs in this hierarchy.</summary>
    public string RunsParent => Directory.TrimEnd('/') + "/" + CgroupProvider.ParentDirectoryName;
}
