using System.Globalization;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Audit;

public static partial class PolicyAudit
{
    /// <summary>A read-only or read-write bind this broad is a "mount everything, hide a little" design.</summary>
    private const double BroadScore = 6;

    private static AuditDimension FilesystemWrite(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        for (int i = 0; i < policy.Mounts.Length; i++)
        {
            MountSpec mount = policy.Mounts[i];
            if (mount.Kind != MountKind.ReadWriteBind) continue;
            string key = Key(i);
            var sensitive = SensitivePaths.Assess(mount.HostPath!);
            double score = sensitive?.Score ?? 5;
            doors.Add(score);
            findings.Add(new AuditFinding(score >= 10 ? "filesystem-write.host-root" : "filesystem-write.bind",
                score >= 9 ? FindingSeverity.Critical : score >= BroadScore ? FindingSeverity.High : FindingSeverity.Medium, key,
                $"host {mount.HostPath} is writable at {mount.GuestPath}" + (sensitive is { } s ? $" ({s.Holds})" : ""),
                "Whatever the guest writes there outlives the run: it can plant scripts, hooks or configs that the host later executes, or destroy data.",
                "bind it read-only (type = \"ro\") and collect results through /work or stdout"));
        }

        if (policy.WorkDirectoryHostPath is { } work)
        {
            doors.Add(3);
            findings.Add(new AuditFinding("filesystem-write.workdir", FindingSeverity.Low, "workdir",
                $"the work directory {work} is a host directory, writable at /work",
                "The guest can change or plant files there (a Makefile, .git/hooks, a script) that you may run later outside the sandbox.",
                "leave workdir = false (a private tmpfs) and copy inputs in with type = \"file\" mounts"));
        }

        bool writable = policy.HasWritableGrants;
        if (writable && policy.Limits.DiskBytes is null)
        {
            doors.Add(4);
            findings.Add(new AuditFinding("filesystem-write.no-disk-budget", FindingSeverity.Medium, "limits.disk",
                "writable grants have no disk budget (limits.disk = \"none\")",
                "The guest's writes go straight to the host filesystem: it can fill it and all its inodes, for every other user of that filesystem.",
                "set limits.disk (default \"1G\") so writes land in a capped layer applied when the run ends"));
        }

        if (doors.Count == 0)
        {
            findings.Add(new AuditFinding("filesystem-write.none", FindingSeverity.Info, "mounts",
                "nothing on the host is writable: /work, /tmp and /dev/shm are private tmpfs that vanish with the run",
                "A guest that cannot write to the host cannot leave anything behind."));
        }

        return Dimension("filesystem-write", "host files the guest can change", 0.9, Combine(doors), findings);
    }

    private static AuditDimension FilesystemRead(SandboxPolicy policy)
    {
        List<AuditFinding> findings = [];
        List<double> doors = [];
        if (policy.MountSystemDirectories)
        {
            doors.Add(1);
            findings.Add(new AuditFinding("filesystem-read.system-dirs", FindingSeverity.Info, "system_dirs",
                "/usr, /bin, /lib and a generated minimal /etc are readable",
                "Dynamically linked programs need them; they hold programs, not secrets, but every readable binary is a tool for an attacker.",
                "for a static binary set system_dirs = false (the minimal profile)"));
        }

        for (int i = 0; i < policy.Mounts.Length; i++)
        {
            MountSpec mount = policy.Mounts[i];
            if (mount.HostPath is null) continue;
            string key = Key(i);
            var sensitive = SensitivePaths.Assess(mount.HostPath);
            string kind = mount.Kind switch
            {
                MountKind.CopiedFile => "copied in",
                MountKind.ReadWriteBind => "readable (and writable)",
                _ => "readable",
            };
            if (sensitive is { } s)
            {
                doors.Add(s.Score);
                findings.Add(new AuditFinding(s.Score >= 10 ? "filesystem-read.host-root" : "filesystem-read.sensitive",
                    s.Score >= 9 ? FindingSeverity.Critical : s.Score >= BroadScore ? FindingSeverity.High : FindingSeverity.Medium, key,
                    $"host {mount.HostPath} is {kind} at {mount.GuestPath}: {s.Holds}",
                    "Anything the guest can read it can print to its output, so a readable secret is a leaked secret.",
                    "mount only the files the job needs, somewhere outside home directories and system paths"));
            }
            else
            {
                doors.Add(mount.Kind == MountKind.CopiedFile ? 0.5 : 1.5);
                findings.Add(new AuditFinding("filesystem-read.bind", FindingSeverity.Low, key,
                    $"host {mount.HostPath} is {kind} at {mount.GuestPath}",
                    mount.Kind == MountKind.CopiedFile
                        ? "A copy of one file: the guest sees its contents at start and nothing else."
                        : "Everything under it, including files added later, is visible to the guest.",
                    mount.Kind == MountKind.CopiedFile ? null : "prefer type = \"file\" for single inputs"));
            }
        }

        AddFilesystemBlocklist(policy, findings);
        AddMissingHostSecurityPolicies(policy, findings, doors);
        return Dimension("filesystem-read", "sensitive host paths the guest can read", 0.8, Combine(doors), findings);
    }

    /// <summary>"Mount a broad tree, then hide a few paths inside it": the hiding mounts are the tell.</summary>
    private static void AddFilesystemBlocklist(SandboxPolicy policy, List<AuditFinding> findings)
    {
        for (int i = 0; i < policy.Mounts.Length; i++)
        {
            MountSpec broad = policy.Mounts[i];
            if (broad.HostPath is null || broad.Kind == MountKind.CopiedFile) continue;
            if ((SensitivePaths.Assess(broad.HostPath)?.Score ?? 0) < BroadScore) continue;
            string prefix = broad.GuestPath == "/" ? "/" : broad.GuestPath + "/";
            List<string> hidden = [.. policy.Mounts.Skip(i + 1).Where(m => m.GuestPath.StartsWith(prefix, StringComparison.Ordinal)).Select(m => m.GuestPath)];
            if (hidden.Count == 0) continue;
            findings.Add(new AuditFinding("filesystem.blocklist", FindingSeverity.High, Key(i),
                $"blocklist-shaped filesystem: host {broad.HostPath} is mounted at {broad.GuestPath} and {hidden.Count} path(s) inside it are covered up ({string.Join(", ", hidden)})",
                "Hiding paths only stops the secrets somebody listed; every file nobody thought of (a key in /tmp, a token in /var, a new user's home) stays readable, while an allowlist exposes nothing it does not name.",
                $"delete the mount of {broad.HostPath} and its covering mounts; mount only what the job reads, e.g. [[mounts]] type = \"ro\" host = \"/srv/job/input\" guest = \"/input\""));
        }
    }

    /// <summary>A program the guest can run, without the security policy it reads on this host (<see cref="HostSecurityPolicies"/>).</summary>
    private static void AddMissingHostSecurityPolicies(SandboxPolicy policy, List<AuditFinding> findings, List<double> doors)
    {
        foreach (HostSecurityPolicies.Entry entry in HostSecurityPolicies.Known)
        {
            if (!File.Exists(entry.PolicyPath)) continue;
            int? bringsIn = null;
            for (int i = 0; i < policy.Mounts.Length && bringsIn is null; i++)
            {
                if (policy.Mounts[i] is { HostPath: { } host, Kind: not MountKind.CopiedFile } && entry.Binaries.Any(b => Covers(host, b))) bringsIn = i;
            }

            bool hasProgram = policy.MountSystemDirectories || bringsIn is not null;
            // What the guest sees at the policy's path: the generated /etc's bind, unless a mount covers it.
            MountSpec? covering = policy.Mounts.LastOrDefault(m => Covers(m.GuestPath, entry.PolicyPath));
            bool seesHostPolicy = covering is null
                ? policy.MountSystemDirectories
                : covering.HostPath is { } h && covering.Kind != MountKind.Tmpfs
                  && (covering.GuestPath == entry.PolicyPath ? h : Path.Combine(h, Path.GetRelativePath(covering.GuestPath, entry.PolicyPath))) == entry.PolicyPath;
            if (!hasProgram || seesHostPolicy) continue;

            doors.Add(3);
            findings.Add(new AuditFinding("filesystem-read.host-security-policy", FindingSeverity.Medium,
                bringsIn is { } index ? Key(index) : "system_dirs",
                $"{entry.Program} can run inside without this host's {entry.PolicyPath}",
                $"Without it the program falls back to its built-in defaults and drops {entry.Protects}: the sandbox would leave a parser less protected than the host does.",
                $"keep system_dirs = true (the generated /etc binds it), or add [[mounts]] type = \"ro\" host = \"{entry.PolicyPath}\""));
        }
    }

    /// <summary>Whether <paramref name="outer"/> is <paramref name="path"/> or one of its parents.</summary>
    private static bool Covers(string outer, string path)
        => path == outer || path.StartsWith(outer.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Key(int index) => string.Create(CultureInfo.InvariantCulture, $"mounts[{index}]");
}
