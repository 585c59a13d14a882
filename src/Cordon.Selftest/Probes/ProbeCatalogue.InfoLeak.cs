using System.Globalization;
using System.Text.RegularExpressions;
using Cordon.Selftest.Judging;

namespace Cordon.Selftest.Probes;

internal static partial class ProbeCatalogue
{
    private static IEnumerable<ProbeDefinition> InfoLeak() =>
    [
        new()
        {
            Id = "info-env", Category = ProbeCategory.InfoLeak, Program = Python("info_env"),
            Description = "derived: print the environment of every visible process (/proc/*/environ, pid 1 included) and its own",
            Expected = new()
            {
                Text = "no host variable; pid 1 EACCES",
                Steps = [Step("environ-pid1", Eacces, Eperm, Enoent), Step("environ-pid*", Ok, Eacces, Enoent, "ESRCH"), Step("environment-names", ["EXPECTED"], ["EXTRA"])],
            },
        },
        new()
        {
            Id = "info-mountinfo", Category = ProbeCategory.InfoLeak, Program = Python("info_mountinfo"),
            Description = "derived: read /proc/self/mountinfo and pid 1's: only granted host paths may appear as mount sources",
            Expected = new()
            {
                Text = "granted mounts only",
                Steps = [Step("read-self-mountinfo", Ok), Step("read-pid1-mountinfo", Ok, Eacces), Info("pid1-same-table"), Info("mount-roots")],
            },
            HostCheck = OnlyGrantedMounts,
        },
        new()
        {
            Id = "info-cgroup", Category = ProbeCategory.InfoLeak, Program = Python("info_cgroup"),
            Description = "derived: read /proc/self/cgroup and pid 1's; list /sys/fs/cgroup (the run's host cgroup path names the supervisor and the host layout)",
            Expected = new()
            {
                Text = "\"/\" only (cgroup ns); /sys absent",
                Steps = [Step("read-self-cgroup", Ok), Step("cgroup-paths", ["ROOT"], ["HOST"]), Step("read-pid1-cgroup", Ok, Eacces), Step("list-sys-fs-cgroup", Enoent)],
            },
            HostCheck = RunCgroupNotNamed,
        },
        new()
        {
            Id = "info-uts", Category = ProbeCategory.InfoLeak, Program = Python("info_uts"),
            Description = "derived: uname, /proc/sys/kernel/hostname and domainname, /etc/hostname, /etc/hosts, gethostname",
            Expected = new() { Text = "hostname \"cordon\"", Steps = [Step("read-*", Ok, Eacces, Enoent), Step("nodename", ["SANDBOX"], ["OTHER"])] },
            HostCheck = HostNameNotShown,
        },
        new()
        {
            Id = "info-proc-net", Category = ProbeCategory.InfoLeak, Program = Python("info_proc_net"),
            Description = "derived: /proc/net/tcp, tcp6, udp, unix, dev, route, arp: the host's sockets and interfaces must not be listed",
            Expected = new()
            {
                Text = "own netns: lo only, no host socket",
                Steps = [Step("read-proc-net-*", Ok, Enoent, Eacces), Step("interfaces", ["LO-ONLY"], ["MORE"])],
            },
            HostCheck = NoHostSocketsListed,
        },
        new()
        {
            Id = "info-accounts", Category = ProbeCategory.InfoLeak, Program = Python("info_accounts"),
            Description = "derived: read /etc/passwd and /etc/group: host user and group names must not appear",
            Expected = new() { Text = "generated accounts only", Steps = [Step("read-*", Ok, Enoent), Step("names-*", ["GENERATED"], ["EXTRA"])] },
            HostCheck = NoHostAccounts,
        },
        new()
        {
            Id = "info-proc-kernel", Category = ProbeCategory.InfoLeak, Program = Python("info_proc_kernel"),
            Description = "derived: /proc/kcore, kmsg, kpagecount, timer_list, sched_debug, */stack; kernel symbol and module addresses",
            Expected = new()
            {
                Text = "unreadable; kernel addresses zeroed",
                Steps = [Step("read-proc-kallsyms", Ok, Eacces, Enoent), Step("read-proc-modules", Ok, Eacces, Enoent), Step("read-proc-cpuinfo", Ok),
                    Step("read-proc-version", Ok), Step("read-proc-*", Eacces, Enoent, Eperm, "EIO", Einval),
                    Step("kallsyms-addresses", ["HIDDEN"], ["EXPOSED"]), Step("module-addresses", ["HIDDEN"], ["EXPOSED"])],
            },
        },
        new()
        {
            Id = "info-keys", Category = ProbeCategory.InfoLeak, Program = Python("info_keys"),
            Description = "derived: read /proc/keys and /proc/key-users; KEYCTL_DESCRIBE the session and user keyrings",
            Expected = new()
            {
                Text = "no keys listed; keyctl EPERM",
                Steps = [Step("read-proc-key*", Ok, Enoent, Eacces), Step("describe-*", Eperm)],
                Violations = ["keyctl"],
            },
            HostCheck = NoKeysListed,
        },
    ];

    /// <summary>Mount sources must be the sandbox's own (tmpfs, proc, devices, generated files) or a host path the policy granted.</summary>
    private static IEnumerable<Finding> OnlyGrantedMounts(ProbeEvidence e)
    {
        if (e.Output.Contains(e.Canaries.Directory, StringComparison.Ordinal)) yield return Finding.Escape("the canary directory appears in the mount table");
        // The system directories and the files Cordon binds from the host into its generated /etc (docs/policy-reference.md).
        List<string> granted = ["/usr", "/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime", "/etc/ImageMagick-6", "/etc/ImageMagick-7",
            "/etc/ghostscript", "/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
            "/etc/ca-certificates.conf", "/etc/fonts", e.ProbeDirectory, LauncherPath()];
        foreach (var mount in e.Policy.Mounts) if (mount.HostPath is { } host) granted.Add(host);
        if (e.Policy.WorkDirectoryHostPath is { } work) granted.Add(work);
        string[] roots = (e.Step("mount-roots")?.Detail ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (string root in roots)
        {
            bool own = root is "/" or "/null" or "/zero" or "/full" or "/random" or "/urandom" or "/tty"
                || root.StartsWith("/newroot", StringComparison.Ordinal) || root.StartsWith("/bindfile", StringComparison.Ordinal);
            if (!own && !granted.Any(g => root == g || root.StartsWith(g.TrimEnd('/') + "/", StringComparison.Ordinal))) yield return Finding.Escape($"an ungranted host path is mounted: {root}");
        }
    }

    private static string LauncherPath()
    {
        string? configured = Environment.GetEnvironmentVariable("CORDON_LAUNCHER");
        return string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "cordon-launch") : configured;
    }

    private static IEnumerable<Finding> RunCgroupNotNamed(ProbeEvidence e)
    {
        string ours = "cordon-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-";
        if (e.Chain.CgroupName is { } name && e.Output.Contains(name, StringComparison.Ordinal)) yield return Finding.Escape($"the run's host cgroup {name} is visible inside");
        else if (e.Output.Contains(ours, StringComparison.Ordinal)) yield return Finding.Escape("a host cgroup path of this supervisor is visible inside");
    }

    private static IEnumerable<Finding> HostNameNotShown(ProbeEvidence e)
    {
        string host = Environment.MachineName;
        // A short host name ("vm") would match by chance; only a distinctive one is evidence.
        if (host.Length >= 4 && host != "cordon" && host != "localhost" && Regex.IsMatch(e.Output, $@"\b{Regex.Escape(host)}\b"))
            yield return Finding.Escape($"the host's name '{host}' is visible inside");
    }

    private static IEnumerable<Finding> NoHostAccounts(ProbeEvidence e)
    {
        HashSet<string> generated = ["root", "sandbox", "nobody", "nogroup"];
        foreach (string file in new[] { "/etc/passwd", "/etc/group" })
        {
            string text;
            try { text = File.ReadAllText(file); }
            catch (IOException) { continue; }
            foreach (string name in text.Split('\n').Select(l => l.Split(':')[0]).Where(n => n.Length > 0 && !generated.Contains(n)).Distinct())
            {
                if (Regex.IsMatch(e.Output, $@"(?m)^{Regex.Escape(name)}:")) yield return Finding.Escape($"host account '{name}' ({file}) is visible inside");
            }
        }
    }

    private static IEnumerable<Finding> NoKeysListed(ProbeEvidence e)
    {
        // /proc/keys lines start with a hex serial: "0a1b2c3d I--Q---     1 perm 3f030000  1000  1000 keyring   _ses: 1"
        if (Regex.IsMatch(e.Output, @"(?m)^[0-9a-f]{8} [IRDQUNi-]{7}")) yield return Finding.Escape("kernel keys are listed in /proc/keys inside the sandbox");
    }
}
