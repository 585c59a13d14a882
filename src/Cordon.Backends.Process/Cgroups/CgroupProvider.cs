using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>
/// Finds the cgroup interface this process can use and creates per-run cgroups in it, below our own cgroup:
/// <c>&lt;our cgroup&gt;/cordon/cordon-&lt;pid&gt;-&lt;counter&gt;-&lt;random&gt;</c> (once per v1 hierarchy).
/// </summary>
/// <remarks>
/// <para>Detection (once per instance, thread-safe, cached): cgroup v2 when the cgroup2 mount (preferably
/// /sys/fs/cgroup) offers memory, pids and cpu to our cgroup, we can enable them for children in our
/// cgroup.subtree_control, and a probe child can be created and removed. Otherwise cgroup v1 when the memory,
/// pids and cpuacct hierarchies are mounted and we may create children under our cgroup in each (freezer
/// too when mounted and writable). Otherwise none, with a reason naming each interface's problem.</para>
/// <para>Root uses its own cgroup's subtree; an unprivileged user needs a delegated cgroup v2 subtree (systemd
/// <c>Delegate=yes</c>). Under cgroup v2's "no internal processes" rule a cgroup that holds processes (Cordon
/// itself) cannot give controllers to children: when Cordon is the only process in its cgroup it moves itself into
/// a leaf child, <c>cordon-supervisor</c> (what systemd asks of delegated services), and runs go beside that leaf;
/// with other processes there it touches nothing and the reason explains the kernel's EBUSY.</para>
/// </remarks>
internal sealed class CgroupProvider
{
    /// <summary>The directory below our own cgroup that holds every run.</summary>
    internal const string ParentDirectoryName = "cordon";

    private const string PermissionHint = "run as root or delegate a cgroup v2 subtree; see cordon doctor";
    /// <summary>The leaf cgroup v2 this process moves itself into when its own cgroup must hand controllers to runs.</summary>
    internal const string SupervisorLeafName = "cordon-supervisor";

    private static readonly string[] V1RequiredControllers = ["memory", "pids", "cpuacct"];
    // The freezer makes the v1 kill race-free. cpu (CFS bandwidth) is used only where the host mounts it together with
    // cpuacct: the policy sets no bandwidth limit, and joining a separate cpu hierarchy cost every run a mkdir, a
    // migration write and an rmdir for nothing.
    private static readonly string[] V1OptionalControllers = ["freezer"];
    private static readonly Lazy<CgroupProvider> SharedInstance = new(() => new CgroupProvider(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_runCounter;

    private readonly Lazy<CgroupAvailability> _availability;

    /// <summary>Uses this process's real cgroup view.</summary>
    public CgroupProvider() : this(CgroupHostView.Current) { }

    /// <summary>Uses <paramref name="host"/> (tests point it at a fake tree).</summary>
    internal CgroupProvider(CgroupHostView host)
    {
        Host = host;
        _availability = new Lazy<CgroupAvailability>(Detect, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The process-wide instance; its detection result is the only shared cache.</summary>
    public static CgroupProvider Shared => SharedInstance.Value;

    /// <summary>Where the layout is read from.</summary>
    public CgroupHostView Host { get; }

    /// <summary>The detection result, computed on first use (on v2 it creates and removes a probe cgroup).</summary>
    public CgroupAvailability Availability => _availability.Value;

    /// <summary>Creates a run's cgroup(s), or says precisely why not (the caller then runs with rlimits only and reports it).</summary>
    public bool TryCreate([NotNullWhen(true)] out RunCgroup? run, [NotNullWhen(false)] out string? reason)
    {
        CgroupAvailability availability = Availability;
        run = null;
        if (!availability.IsUsable)
        {
            reason = availability.Reason!;
            return false;
        }
        string name = NewRunName();
        reason = availability.Version == CgroupVersion.V2
            ? CreateV2(availability.Hierarchies[0], name, out run)
            : CreateV1(availability.Hierarchies, name, out run);
        return reason is null;
    }

    /// <summary><c>cordon-&lt;pid&gt;-&lt;counter&gt;-&lt;random&gt;</c>: unique within this process by the counter, across processes by pid and 31 random bits.</summary>
    /// <remarks>The random part only separates a recycled pid from a crashed predecessor's leftovers; it needs no secrecy
    /// (only we may create cgroups here), so it comes from <see cref="Random.Shared"/>: the cryptographic generator made a
    /// cold CLI load libssl and libcrypto (seen with strace) for nothing else.</remarks>
    internal static string NewRunName()
        => string.Create(CultureInfo.InvariantCulture,
            $"cordon-{Environment.ProcessId}-{Interlocked.Increment(ref s_runCounter)}-{Random.Shared.Next():x8}");

    private CgroupAvailability Detect()
    {
        int errno = CgroupFiles.TryRead(Host.MountInfoPath, out string mountInfo);
        if (errno != 0) return Unusable($"read {Host.MountInfoPath}: {Interop.Errno.Name(errno)}");
        errno = CgroupFiles.TryRead(Host.ProcSelfCgroupPath, out string procCgroup);
        if (errno != 0) return Unusable($"read {Host.ProcSelfCgroupPath}: {Interop.Errno.Name(errno)}");

        List<CgroupMount> mounts = CgroupTopology.ParseMountInfo(mountInfo);
        List<CgroupMembership> memberships = CgroupTopology.ParseProcCgroup(procCgroup);

        string? v2Problem = DetectV2(mounts, memberships, out CgroupHierarchy? v2);
        if (v2 is not null) return new CgroupAvailability { Version = CgroupVersion.V2, Hierarchies = [v2] };
        string? v1Problem = DetectV1(mounts, memberships, out List<CgroupHierarchy>? v1);
        if (v1 is not null) return new CgroupAvailability { Version = CgroupVersion.V1, Hierarchies = v1, V2Problem = v2Problem };
        return new CgroupAvailability { Version = CgroupVersion.None, V2Problem = v2Problem, V1Problem = v1Problem };

        static CgroupAvailability Unusable(string problem)
            => new() { Version = CgroupVersion.None, V2Problem = "cgroup v2: " + problem, V1Problem = "cgroup v1: " + problem };
    }

    private string? DetectV2(List<CgroupMount> mounts, List<CgroupMembership> memberships, out CgroupHierarchy? hierarchy)
    {
        hierarchy = null;
        List<CgroupMount> v2Mounts = mounts.FindAll(m => m.IsV2);
        if (v2Mounts.Count == 0) return "cgroup v2: no cgroup2 filesystem is mounted";
        CgroupMembership? membership = memberships.Find(m => m.HierarchyId == 0 && m.Controllers.Count == 0);
        if (membership is null) return $"cgroup v2: {Host.ProcSelfCgroupPath} has no '0::' line";
        CgroupMount? mount = CgroupTopology.Choose(v2Mounts, membership.Path);
        if (mount is null)
            return $"cgroup v2: our cgroup {membership.Path} lies outside every cgroup2 mount ({string.Join(", ", v2Mounts.Select(m => m.MountPoint))})";
        string directory = CgroupTopology.Resolve(mount, membership.Path)!;
        // Already moved into our leaf (by an earlier detection in this process): the cgroup we own is its parent.
        if (Path.GetFileName(directory) == SupervisorLeafName) directory = Path.GetDirectoryName(directory)!;

        int errno = CgroupFiles.TryRead(directory + "/cgroup.controllers", out string controllersText);
        if (errno != 0) return $"cgroup v2: read {directory}/cgroup.controllers: {Interop.Errno.Name(errno)}";
        HashSet<string> available = CgroupStatParser.ParseControllers(controllersText);
        string[] missing = RunControllersMissingFrom(available);
        if (missing.Length > 0)
        {
            string listed = available.Count == 0 ? "none" : string.Join(' ', available.Order(StringComparer.Ordinal));
            string problem = $"cgroup v2 ({directory}): controllers {string.Join(", ", missing)} are not available to our cgroup (cgroup.controllers: {listed})";
            return missing.Any(c => mounts.Exists(m => !m.IsV2 && m.Controllers.Contains(c)))
                ? problem + "; this host binds them to cgroup v1 hierarchies (hybrid setup)"
                : problem + " (hint: the parent cgroup must delegate them, e.g. systemd Delegate=yes; see cordon doctor)";
        }

        var candidate = new CgroupHierarchy("v2", Host.V2Controllers.ToHashSet(StringComparer.Ordinal), directory);
        string? failure = CreateV2(candidate, NewRunName(), out RunCgroup? probe);
        if (failure is not null) return failure;
        probe!.Dispose();
        if (probe.CleanupProblem is { } cleanup) return $"cgroup v2: removing probe cgroup: {cleanup}";
        hierarchy = candidate;
        return null;
    }

    private string? DetectV1(List<CgroupMount> mounts, List<CgroupMembership> memberships, out List<CgroupHierarchy>? hierarchies)
    {
        hierarchies = null;
        List<CgroupMount> v1Mounts = mounts.FindAll(m => !m.IsV2 && m.Controllers.Count > 0);
        if (v1Mounts.Count == 0) return "cgroup v1: no cgroup v1 hierarchy is mounted";

        var found = new List<CgroupHierarchy>();
        foreach (string controller in V1RequiredControllers.Concat(V1OptionalControllers))
        {
            bool required = Array.IndexOf(V1RequiredControllers, controller) >= 0;
            if (found.Exists(h => h.Controllers.Contains(controller))) continue; // shares a hierarchy (cpu,cpuacct)
            List<CgroupMount> candidates = v1Mounts.FindAll(m => m.Controllers.Contains(controller));
            CgroupMembership? membership = memberships.Find(m => m.Controllers.Contains(controller));
            string? problem = null;
            CgroupHierarchy? hierarchy = null;
            if (candidates.Count == 0) problem = $"cgroup v1: the {controller} controller is not mounted";
            else if (membership is null) problem = $"cgroup v1: {Host.ProcSelfCgroupPath} has no {controller} line";
            else if (CgroupTopology.Choose(candidates, membership.Path) is not { } mount)
                problem = $"cgroup v1 {controller}: our cgroup {membership.Path} lies outside every mount of the hierarchy";
            else
            {
                hierarchy = new CgroupHierarchy(string.Join(',', mount.Controllers.Order(StringComparer.Ordinal)), mount.Controllers,
                    CgroupTopology.Resolve(mount, membership.Path)!);
                problem = ProbeV1(hierarchy);
            }

            if (problem is null) found.Add(hierarchy!);
            else if (required) return problem;
            // An optional hierarchy (the freezer) that is missing or not writable is simply not used.
        }
        hierarchies = found;
        return null;
    }

    /// <summary>
    /// Whether runs can be created in a v1 hierarchy, asked of the kernel with faccessat(2) instead of a probe mkdir
    /// and rmdir: on v1 the answer is plain permission (no delegation rules), and the first real run's mkdir reports
    /// any surprise with its own errno. The probe (a mkdir and an rmdir in each
    /// hierarchy) was about 12 ms of a cold CLI's start.
    /// </summary>
    private static string? ProbeV1(CgroupHierarchy hierarchy)
    {
        // Runs go in cordon/ when it exists, else we would create cordon/ in our own cgroup.
        string where = Directory.Exists(hierarchy.RunsParent) ? hierarchy.RunsParent : hierarchy.Directory;
        int errno = CgroupFiles.CanCreateIn(where);
        return errno == 0 ? null : $"cgroup v1 {hierarchy.Name}: {Describe("mkdir in", where, errno)}";
    }

    private string? CreateV1(IReadOnlyList<CgroupHierarchy> hierarchies, string name, out RunCgroup? run)
    {
        run = null;
        var directories = new List<string>(hierarchies.Count);
        foreach (CgroupHierarchy hierarchy in hierarchies)
        {
            string? problem = TryMakeRunDirectory(hierarchy, name, out string directory);
            if (problem is not null)
            {
                for (int i = 0; i < directories.Count; i++) Discard(hierarchies[i], directories[i]);
                return $"cgroup v1 {hierarchy.Name}: {problem}";
            }
            directories.Add(directory);
        }
        run = new CgroupV1Run(name, hierarchies, directories, Host);
        return null;
    }

    private string? CreateV2(CgroupHierarchy hierarchy, string name, out RunCgroup? run)
    {
        run = null;
        // Our cgroup must hand the controllers to its children (cgroup/cordon), which hands them to each run.
        string? problem = EnableControllers(hierarchy.Directory, isOwnCgroup: true);
        if (problem is not null) return $"cgroup v2 ({hierarchy.Directory}): {problem}";
        problem = TryMakeRunDirectory(hierarchy, name, out string directory,
            prepareParent: parent => EnableControllers(parent, isOwnCgroup: false));
        if (problem is not null) return $"cgroup v2: {problem}";

        // If the last run removed cordon/ and another recreated it between our enabling and our mkdir, the new
        // parent may not have enabled the controllers yet: enabling again fixes that (the kernel adds the files to
        // existing children). The parent never holds processes, so the no-internal-process rule cannot bite.
        problem = MissingControllers(directory);
        if (problem is not null)
            problem = EnableControllers(hierarchy.RunsParent, isOwnCgroup: false) ?? MissingControllers(directory);
        if (problem is not null)
        {
            Discard(hierarchy, directory);
            return $"cgroup v2: {problem}";
        }
        run = new CgroupV2Run(name, hierarchy, directory, Host);
        return null;
    }

    /// <summary>The v2 controllers runs need that <paramref name="present"/> lacks, in their fixed order.</summary>
    private string[] RunControllersMissingFrom(HashSet<string> present) => [.. Host.V2Controllers.Where(c => !present.Contains(c))];

    private string? MissingControllers(string directory)
    {
        int errno = CgroupFiles.TryRead(directory + "/cgroup.controllers", out string text);
        if (errno != 0) return $"read {directory}/cgroup.controllers: {Interop.Errno.Name(errno)}";
        HashSet<string> controllers = CgroupStatParser.ParseControllers(text);
        string[] lacking = RunControllersMissingFrom(controllers);
        return lacking.Length == 0 ? null
            : $"{directory}/cgroup.controllers lacks {string.Join(", ", lacking)} although its parent enabled them in cgroup.subtree_control";
    }

    /// <summary>
    /// mkdir <c>cordon</c> (EEXIST is fine), <paramref name="prepareParent"/> on it, then the run directory. ENOENT on
    /// the second mkdir means the last run removed the parent in between: recreate it and retry.
    /// </summary>
    private string? TryMakeRunDirectory(CgroupHierarchy hierarchy, string name, out string directory,
        Func<string, string?>? prepareParent = null)
    {
        string parent = hierarchy.RunsParent;
        directory = parent + "/" + name;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            int errno = CgroupFiles.MakeDirectory(parent);
            if (errno == 0) Host.AfterMakeDirectory?.Invoke(parent);
            else if (errno != Interop.Errno.EEXIST) return Describe("mkdir", parent, errno);
            if (prepareParent?.Invoke(parent) is { } problem)
            {
                // ENOENT: the parent vanished under us (its last run removed it); anything else is real.
                if (Directory.Exists(parent)) return problem;
                continue;
            }

            errno = CgroupFiles.MakeDirectory(directory);
            if (errno == 0)
            {
                Host.AfterMakeDirectory?.Invoke(directory);
                return null;
            }
            if (errno != Interop.Errno.ENOENT) return Describe("mkdir", directory, errno);
        }
        return $"mkdir {directory}: ENOENT on every attempt (its parent kept being removed)";
    }

    /// <summary>Makes sure the run controllers (memory, pids, cpu) are in <paramref name="directory"/>'s cgroup.subtree_control; null or the problem.</summary>
    private string? EnableControllers(string directory, bool isOwnCgroup)
    {
        string path = directory + "/cgroup.subtree_control";
        int errno = CgroupFiles.TryRead(path, out string text);
        if (errno != 0) return Describe("read", path, errno);
        HashSet<string> enabled = CgroupStatParser.ParseControllers(text);
        string[] missing = RunControllersMissingFrom(enabled);
        if (missing.Length == 0) return null;

        string value = string.Join(' ', missing.Select(c => "+" + c));
        errno = CgroupFiles.Write(path, value);
        if (errno == Interop.Errno.EBUSY && isOwnCgroup && TryMoveSelfIntoLeaf(directory)) errno = CgroupFiles.Write(path, value);
        return errno == 0 ? null : ExplainSubtreeControlFailure(directory, value, errno, isOwnCgroup);
    }

    /// <summary>
    /// Moves this process into <c>directory/cordon-supervisor</c> when it is the only process in <paramref name="directory"/>,
    /// so the kernel lets that cgroup give controllers to runs. Never moves, or waits for, anyone else.
    /// </summary>
    private bool TryMoveSelfIntoLeaf(string directory)
    {
        if (CgroupFiles.TryRead(directory + "/cgroup.procs", out string procs) != 0) return false;
        List<int> members = CgroupStatParser.ParsePids(procs);
        if (members.Count != 1 || members[0] != Host.ProcessId) return false;

        string leaf = directory + "/" + SupervisorLeafName;
        int errno = CgroupFiles.MakeDirectory(leaf);
        if (errno == 0) Host.AfterMakeDirectory?.Invoke(leaf);
        else if (errno != Interop.Errno.EEXIST) return false;
        return CgroupFiles.Write(leaf + "/cgroup.procs", Host.ProcessId.ToString(CultureInfo.InvariantCulture)) == 0;
    }

    /// <summary>The message for a rejected write to cgroup.subtree_control, explaining EBUSY (no internal processes) and EACCES (not delegated).</summary>
    internal static string ExplainSubtreeControlFailure(string directory, string value, int errno, bool isOwnCgroup)
    {
        string problem = $"write '{value}' to {directory}/cgroup.subtree_control: {Interop.Errno.Name(errno)}";
        if (errno == Interop.Errno.EBUSY)
        {
            int processes = CgroupFiles.TryRead(directory + "/cgroup.procs", out string procs) == 0
                ? CgroupStatParser.ParsePids(procs).Count : -1;
            string holder = processes < 0 ? "it holds processes" : $"it holds {processes} process(es)";
            return problem + $": the cgroup v2 \"no internal processes\" rule forbids giving controllers to the children of a cgroup with member processes, and {holder}"
                + (isOwnCgroup ? ", Cordon itself among them" : "")
                + " (hint: start Cordon in a delegated cgroup of its own, e.g. systemd-run --user --scope -p Delegate=yes cordon ...; alone there, Cordon moves itself into a leaf child; see cordon doctor)";
        }
        if (errno == Interop.Errno.ENOENT) return problem + " (a controller is not available in this cgroup)";
        return Interop.Errno.IsPermissionDenied(errno) ? problem + $" (hint: {PermissionHint})" : problem;
    }

    /// <summary>Removes a run directory created by a failed attempt, and the parent if that leaves it empty.</summary>
    private void Discard(CgroupHierarchy hierarchy, string directory)
    {
        Host.BeforeRemoveDirectory?.Invoke(directory);
        _ = CgroupFiles.RemoveDirectory(directory);
        _ = RunCgroup.RemoveParentIfUnused(hierarchy.RunsParent, Host);
    }

    private static string Describe(string operation, string path, int errno)
        => Interop.Errno.IsPermissionDenied(errno)
            ? $"{operation} {path}: {Interop.Errno.Name(errno)} (hint: {PermissionHint})"
            : $"{operation} {path}: {Interop.Errno.Name(errno)}";
}
