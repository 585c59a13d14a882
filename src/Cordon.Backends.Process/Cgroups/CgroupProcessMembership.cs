namespace Cordon.Backends.Process.Cgroups;

/// <summary>Checks a <c>/proc/[pid]/cgroup</c> text for a run's directory name.</summary>
internal static class CgroupProcessMembership
{
    /// <summary>Whether any line's path ends in <c>/cordon/&lt;runName&gt;</c> or lies below it.</summary>
    /// <remarks>Run names carry the host pid, a counter and 32 random bits, so a match is this run.</remarks>
    internal static bool Contains(string procCgroup, string runName)
    {
        string needle = "/" + CgroupProvider.ParentDirectoryName + "/" + runName;
        foreach (string line in procCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int at = line.IndexOf(needle, StringComparison.Ordinal);
            if (at < 0) continue;
            int end = at + needle.Length;
            if (end == line.Length || line[end] == '/') return true;
        }
        return false;
    }
}
