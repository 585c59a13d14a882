using System.Text;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>One cgroup filesystem mount from <c>/proc/self/mountinfo</c>.</summary>
/// <param name="MountPoint">Where it is mounted, e.g. <c>/sys/fs/cgroup/memory</c>.</param>
/// <param name="Root">The cgroup path the mount shows at its mount point (<c>/</c> unless bind-mounted or namespaced).</param>
/// <param name="IsV2">cgroup2 (unified) rather than a v1 hierarchy.</param>
/// <param name="Controllers">v1: the controllers bound to the hierarchy (from the super options); v2: empty.</param>
internal sealed record CgroupMount(string MountPoint, string Root, bool IsV2, IReadOnlySet<string> Controllers);

/// <summary>One line of <c>/proc/self/cgroup</c>: hierarchy id, its controllers (empty for v2) and our path in it.</summary>
internal sealed record CgroupMembership(int HierarchyId, IReadOnlySet<string> Controllers, string Path);

/// <summary>Parses the two files that say where our cgroups are, and joins them into directories.</summary>
internal static class CgroupTopology
{
    // The v1 super options mix controllers with flags (rw, xattr, noprefix, clone_children, name=...).
    private static readonly HashSet<string> V1ControllerNames = new(
        ["cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc"],
        StringComparer.Ordinal);

    /// <summary>The cgroup and cgroup2 mounts in mountinfo(5) text.</summary>
    internal static List<CgroupMount> ParseMountInfo(string text)
    {
        var mounts = new List<CgroupMount>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (separator < 6 || fields.Length < separator + 4) continue;
            string fsType = fields[separator + 1];
            if (fsType is not ("cgroup" or "cgroup2")) continue;
            bool isV2 = fsType == "cgroup2";
            var controllers = new HashSet<string>(StringComparer.Ordinal);
            if (!isV2)
            {
                foreach (string option in fields[separator + 3].Split(','))
                    if (V1ControllerNames.Contains(option)) controllers.Add(option);
            }
            mounts.Add(new CgroupMount(Unescape(fields[4]), Unescape(fields[3]), isV2, controllers));
        }
        return mounts;
    }

    /// <summary>The lines of cgroups(7) <c>/proc/[pid]/cgroup</c>.</summary>
    internal static List<CgroupMembership> ParseProcCgroup(string text)
    {
        var memberships = new List<CgroupMembership>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // hierarchy-ID:controller-list:cgroup-path (the path may itself contain ':')
            int first = line.IndexOf(':', StringComparison.Ordinal);
            int second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0 || !int.TryParse(line.AsSpan(0, first), out int id)) continue;
            var controllers = new HashSet<string>(
                line[(first + 1)..second].Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            memberships.Add(new CgroupMembership(id, controllers, line[(second + 1)..]));
        }
        return memberships;
    }

    /// <summary>
    /// The directory of <paramref name="cgroupPath"/> under <paramref name="mount"/>, or null when the path lies
    /// outside the part of the hierarchy that mount shows (a bind mount of a subtree that does not contain us).
    /// </summary>
    internal static string? Resolve(CgroupMount mount, string cgroupPath)
    {
        string root = mount.Root.TrimEnd('/');
        if (cgroupPath.EndsWith(" (deleted)", StringComparison.Ordinal)) return null;
        if (root.Length > 0 && cgroupPath != root && !cgroupPath.StartsWith(root + "/", StringComparison.Ordinal)) return null;
        string relative = cgroupPath[root.Length..].Trim('/');
        return relative.Length == 0 ? mount.MountPoint : mount.MountPoint.TrimEnd('/') + "/" + relative;
    }

    /// <summary>Picks the mount to use among several showing the same hierarchy: /sys/fs/cgroup first, then one that contains our path.</summary>
    internal static CgroupMount? Choose(IEnumerable<CgroupMount> candidates, string cgroupPath)
    {
        CgroupMount? chosen = null;
        foreach (CgroupMount mount in candidates)
        {
            if (Resolve(mount, cgroupPath) is null) continue;
            if (mount.MountPoint.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal)) return mount;
            chosen ??= mount;
        }
        return chosen;
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo octal.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var builder = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                builder.Append((char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }
        return builder.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
