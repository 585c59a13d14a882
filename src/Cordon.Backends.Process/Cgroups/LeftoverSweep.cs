using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>What <see cref="LeftoverSweep.Run"/> removed, and what it could not.</summary>
internal sealed record SweepReport(ImmutableArray<string> Removed, ImmutableArray<string> Problems);

/// <summary>
/// Removes what a supervisor that died without cleaning up (SIGKILL, a crash, a power cut of its container) left:
/// its run cgroups (<c>cordon/cordon-PID-N-RANDOM</c> in every hierarchy) and its temporary directories
/// (<c>$TMPDIR/cordon-KIND-PID-*</c>). Run at the start of <c>cordon run</c> and by <c>cordon doctor --cleanup</c>.
/// </summary>
/// <remarks>
/// An entry is removed only when its owner is provably gone: no process has the pid, or the process that has it now
/// started after the entry was created (the pid was reused). A live owner's runs are never touched; an entry whose
/// age cannot be told apart from its pid holder's start is kept.
/// </remarks>
internal static partial class LeftoverSweep
{
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(2);

    [GeneratedRegex("^cordon-(?<pid>[0-9]+)-[0-9]+-[0-9a-f]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RunName();

    [GeneratedRegex("^cordon-[a-z]+-(?<pid>[0-9]+)-", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();

    public static SweepReport Run(CgroupProvider? provider = null, string? temporaryRoot = null)
    {
        List<string> removed = [], problems = [];
        provider ??= CgroupProvider.Shared;
        CgroupHostView host = provider.Host;
        CgroupAvailability availability = provider.Availability;
        foreach (CgroupHierarchy hierarchy in availability.Hierarchies)
        {
            foreach (string run in Subdirectories(hierarchy.RunsParent))
            {
                Match m = RunName().Match(Path.GetFileName(run));
                if (!m.Success || !OwnerIsGone(Pid(m), run)) continue;
                if (RemoveRun(run, availability.Version, host) is { } problem) problems.Add(problem);
                else removed.Add(run);
            }

            if (RunCgroup.RemoveParentIfUnused(hierarchy.RunsParent, host) is { } parentProblem) problems.Add(parentProblem);
        }

        foreach (string directory in Subdirectories(temporaryRoot ?? Path.GetTempPath(), "cordon-*"))
        {
            Match m = TempName().Match(Path.GetFileName(directory));
            if (!m.Success || !IsOurOwn(directory) || !OwnerIsGone(Pid(m), directory)) continue;
            try
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"remove {directory}: {e.Message}");
            }
        }

        return new SweepReport([.. removed], [.. problems]);

        static int Pid(Match m) => int.TryParse(m.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0;
    }

    /// <summary>
    /// A real directory (not a link), owned by this process's user and writable by nobody else. The temporary root is
    /// shared (/tmp): anyone can create a directory with a matching name there, and a recursive delete of something
    /// another user controls is the classic race in which a subdirectory is swapped for a link mid-delete. Only what
    /// this user alone could have made is removed.
    /// </summary>
    private static bool IsOurOwn(string directory)
    {
        try
        {
            Cordon.HostFiles.OpenedHostPath opened = Cordon.HostFiles.HostPath.OpenForBinding(directory, "leftover sweep");
            using (opened.Handle)
            {
                return opened.Kind == Cordon.HostFiles.HostObjectKind.Directory && opened.OwnerUid == Interop.Libc.GetEuid() && (opened.Mode & 0x12) == 0;
            }
        }
        catch (Cordon.Errors.SandboxSetupException)
        {
            return false; // a link, gone, or not ours to open
        }
    }

    /// <summary>Whether the process that created <paramref name="path"/> as pid <paramref name="pid"/> is gone.</summary>
    internal static bool OwnerIsGone(int pid, string path)
    {
        if (pid <= 0) return false;
        DateTime? started = ProcessStart(pid);
        if (started is null) return !Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
        DateTime created;
        try
        {
            created = Directory.GetCreationTimeUtc(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The owner existed before it created the entry; a holder of the pid that started later is someone else.
        return started.Value > created + ClockSlack;
    }

    /// <summary>When process <paramref name="pid"/> started (boot time plus field 22 of its stat), or null when there is none.</summary>
    private static DateTime? ProcessStart(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            int end = stat.LastIndexOf(')');
            string[] fields = stat[(end + 2)..].Split(' ');
            // Fields after the command start at field 3 (state); starttime is field 22.
            if (!long.TryParse(fields[22 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)) return null;
            if (BootTime.Value is not { } boot) return null;
            // USER_HZ is 100 on every Linux architecture Cordon runs on.
            return DateTime.UnixEpoch.AddSeconds(boot + (ticks / 100.0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The boot time in seconds since the epoch (<c>btime</c> in /proc/stat), read once: it does not change, and /proc/stat
    /// is costly to produce (every CPU's and interrupt's counters), once per entry of every live run otherwise.
    /// </summary>
    private static readonly Lazy<long?> BootTime = new(() =>
    {
        try
        {
            string? bootLine = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
            return bootLine is not null && long.TryParse(bootLine[6..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long boot) ? boot : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    });

    /// <summary>Kills whatever is still inside a dead owner's run, then removes it; the problem or null.</summary>
    private static string? RemoveRun(string directory, CgroupVersion version, CgroupHostView host)
    {
        string name = Path.GetFileName(directory);
        if (version == CgroupVersion.V2) _ = CgroupFiles.Write(directory + "/cgroup.kill", "1");
        if (CgroupFiles.TryRead(directory + "/cgroup.procs", out string procs) == 0)
        {
            foreach (string line in procs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 1) continue;
                if (CgroupFiles.TryRead($"/proc/{line}/cgroup", out string membership) == 0 && CgroupProcessMembership.Contains(membership, name))
                    _ = Interop.Libc.KillProcess(pid, Interop.Libc.SigKill);
            }
        }

        host.BeforeRemoveDirectory?.Invoke(directory);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            int errno = CgroupFiles.RemoveDirectory(directory);
            if (errno is 0 or Interop.Errno.ENOENT) return null;
            if (errno == Interop.Errno.EBUSY && elapsed.Elapsed < TimeSpan.FromSeconds(2))
            {
                Thread.Sleep(10);
                continue;
            }

            return $"rmdir {directory}: {Interop.Errno.Name(errno)}";
        }
    }

    /// <summary>The subdirectories of <paramref name="parent"/> (matching <paramref name="pattern"/>: a shared /tmp can hold thousands of others, which are then never allocated).</summary>
    private static string[] Subdirectories(string parent, string pattern = "*")
    {
        try
        {
            return Directory.Exists(parent) ? Directory.GetDirectories(parent, pattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
