using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Seccomp;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Backends.Process.Planning;

/// <summary>
/// Builds a <see cref="LaunchPlan"/> from a policy, a command and host facts. Pure: it opens, reads and creates nothing,
/// so the same inputs give the same plan, which is what a run executes and what a dry run prints.
/// </summary>
internal static class LaunchPlanner
{
    public static LaunchPlan Build(SandboxPolicy policy, SandboxCommand command, LaunchHostFacts facts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(facts);
        ImmutableArray<GrantedBind> grants = GrantedBind.All(policy, facts.ImageEntries);
        ImmutableArray<(string Path, byte[] Contents)> etc = policy.MountSystemDirectories
            ? GuestEtc.Generated(policy.GuestIsRoot, Network.DnsStub.Serves(policy) ? Network.DnsStub.ResolvConf : null) : [];
        ImmutableArray<MountSpec> copied = [.. policy.Mounts.Where(m => m.Kind == MountKind.CopiedFile)];
        bool budgeted = facts.RunUser is not null && policy.Limits.DiskBytes is not null && grants.Any(b => b.Writable);
        bool cgroup = facts.Cgroup is not null;

        var spec = new LaunchSpec
        {
            Policy = policy,
            Command = command,
            Facts = facts,
            Fds = Descriptors(command, etc, copied, grants, budgeted),
            Grants = grants,
            GeneratedEtcFiles = [.. etc.Select(f => f.Path)],
            BudgetWritableGrants = budgeted,
            CpuRlimitSeconds = policy.Limits.CpuTime is { } cpu ? (long)Math.Ceiling(cpu.TotalSeconds) + (cgroup ? 1 : 0) : null,
            AddressSpaceRlimitBytes = cgroup ? null : policy.Limits.MemoryBytes,
        };
        ImmutableArray<PlannedMount> mounts = LaunchCommandLine.Mounts(spec);
        var (argv, bwrapOptions) = LaunchCommandLine.Build(spec, mounts);
        return new LaunchPlan
        {
            Argv = argv,
            BwrapOptions = bwrapOptions,
            Descriptors = spec.Fds.Rows,
            Mounts = mounts,
            LauncherSteps = Steps(spec),
            FilterSummary = FilterSummary(policy),
            Cgroup = facts.Cgroup is { } c
                ? new CgroupPlan(c.Version, c.Hierarchies, c.JoinDirectories, policy.Limits.MemoryBytes,
                    policy.Limits.MaxProcesses is { } pids ? pids + ProcessSandbox.SupervisionTasks : null, policy.Limits.CpuTime)
                : null,
            NoCgroupReason = cgroup ? null : facts.NoCgroupReason,
            Warnings = Warnings(policy, facts, grants),
            Grants = grants,
            DiskBudget = budgeted ? (policy.Limits.DiskBytes!.Value, policy.Limits.DiskInodes ?? int.MaxValue) : null,
            GeneratedFiles = etc,
            CopiedFiles = copied,
        };
    }

    /// <summary>The one descriptor table: the fixed channels, then each handed-in object in a fixed order.</summary>
    private static DescriptorTable Descriptors(SandboxCommand command, ImmutableArray<(string Path, byte[] Contents)> etc,
        ImmutableArray<MountSpec> copied, ImmutableArray<GrantedBind> grants, bool budgeted)
    {
        var table = new DescriptorTable();
        if (command.Terminal is not null)
        {
            table.Add(DescriptorRole.StandardInput, 0, "the guest's stdin: a new pseudo-terminal", 0)
                .Add(DescriptorRole.StandardOutput, 0, "the guest's stdout: the same pseudo-terminal", 1)
                .Add(DescriptorRole.StandardError, 0, "the guest's stderr: the same pseudo-terminal", 2);
        }
        else
        {
            bool streamed = command.StandardInput is not null || command.StandardInputSource is not null;
            table.Add(DescriptorRole.StandardInput, 0, streamed ? "the guest's stdin: a pipe from the supervisor (streamed)" : "the guest's stdin: /dev/null", 0)
                .Add(DescriptorRole.StandardOutput, 0, command.MergeStandardError ? "the guest's stdout and stderr: one pipe to the supervisor (order kept)" : "the guest's stdout: a pipe to the supervisor", 1)
                .Add(DescriptorRole.StandardError, 0, command.MergeStandardError ? "the guest's stderr: the stdout pipe" : "the guest's stderr: a pipe to the supervisor", 2);
        }

        table.Add(DescriptorRole.LauncherStatus, 0, "the launcher's status pipe", LaunchFds.Status)
            .Add(DescriptorRole.SeccompListener, 0, "the socket the seccomp listener is handed over on", LaunchFds.Notify)
            .Add(DescriptorRole.SeccompFilter, 0, "the seccomp filter's pipe, written after the spawn", LaunchFds.Bpf)
            .Add(DescriptorRole.BwrapOptions, 0, "bwrap's options (--args), a sealed memfd", LaunchFds.BwrapArgs)
            .Add(DescriptorRole.BwrapInfo, 0, "bwrap's --info-fd pipe: the sandbox's pid 1 as the host sees it", LaunchFds.BwrapInfo);
        for (int i = 0; i < etc.Length; i++) table.Add(DescriptorRole.GeneratedFile, i, $"generated {etc[i].Path}");
        for (int i = 0; i < copied.Length; i++) table.Add(DescriptorRole.CopiedFile, i, $"copy of {copied[i].HostPath} for {copied[i].GuestPath}");
        for (int i = 0; i < grants.Length; i++)
            table.Add(DescriptorRole.GrantSource, i, $"{grants[i].HostPath}, opened without following links, for {grants[i].GuestPath}{(grants[i].Writable ? " (writable)" : "")}");
        int writable = budgeted ? grants.Count(b => b.Writable) : 0;
        for (int k = 0; k < writable; k++) table.Add(DescriptorRole.DiskBudgetLayer, k, $"the disk budget's layer for writable grant {k}");
        for (int i = 0; i < command.InheritedFiles.Length; i++)
            table.Add(DescriptorRole.InheritedFile, i, $"the caller's descriptor, as guest descriptor {command.InheritedFiles[i].GuestFd}");
        return table;
    }

    private static ImmutableArray<string> Steps(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        LaunchHostFacts facts = spec.Facts;
        List<string> steps = [];
        if (facts.Cgroup is { } cgroup) steps.Add("enter: join the run's cgroup in " + string.Join(", ", cgroup.Hierarchies));
        if (facts.RunUser is not null) steps.Add("enter: drop to the run's own host uid and gid (from the run-identity range); no capabilities; parent-death signal SIGKILL");
        if (facts.IdmapStageDirectory is not null && spec.Grants.Any(b => b.Writable))
        {
            steps.Add("enter: idmapped clones of the writable grants in a private mount namespace, so the guest's files land owned by each directory's owner"
                + (spec.BudgetWritableGrants ? ", writes going to a disk-budget layer applied after the run" : ""));
        }

        steps.Add("bwrap: new user, pid, ipc, uts and cgroup namespaces" + (policy.Network.Mode == NetworkMode.Host ? "; the HOST network namespace" : ", a new network namespace")
            + (policy.Root.ImagePath is { } rootfs ? $"; the image root {rootfs}, each top-level entry read-only (the writable layer: /tmp, /dev/shm and the work directory, each bounded)" : "")
            + "; the mounts below; / read-only; the sandbox's pid 1 reported on its info descriptor");
        steps.Add("init (pid 1): Landlock rules for exactly the mounted paths" + (policy.RequireLandlock ? " (required)" : " (best effort)"));
        steps.Add("init: rlimits CORE=0" + RlimitText(policy.Limits, spec));
        steps.Add("init: no_new_privs, then the seccomp filter with the supervisor's listener; fork the guest, exec it, reap every process");
        return [.. steps];
    }

    private static string RlimitText(ResourceLimits limits, LaunchSpec spec)
    {
        var text = new StringBuilder();
        if (limits.OpenFiles is { } n) text.Append(CultureInfo.InvariantCulture, $", NOFILE={n}");
        if (limits.FileSizeBytes is { } f) text.Append(", FSIZE=").Append(ByteSize.Format(f));
        if (limits.StackBytes is { } s) text.Append(", STACK=").Append(ByteSize.Format(s));
        if (spec.CpuRlimitSeconds is { } cpu) text.Append(CultureInfo.InvariantCulture, $", CPU={cpu}s");
        if (spec.AddressSpaceRlimitBytes is { } a) text.Append(", AS=").Append(ByteSize.Format(a));
        return text.ToString();
    }

    /// <summary>The filter's rules as counts; the program itself is compiled after the spawn (or cached).</summary>
    private static string FilterSummary(SandboxPolicy policy)
    {
        SyscallPolicy syscalls = policy.Syscalls;
        SeccompRuleSet rules = SyscallProfiles.Build(syscalls.Profile, syscalls.Profile == SyscallProfile.Custom ? syscalls.AllowedSyscalls : [], policy.Network.Mode);
        int allowed = rules.Rules.Count(r => r.Action == SyscallRuleAction.Allow);
        return string.Create(CultureInfo.InvariantCulture,
            $"profile {syscalls.Profile.ToString().ToLowerInvariant()}: {allowed} syscalls allowed, {rules.Rules.Count - allowed} answered with an errno, everything else refused ({syscalls.OnViolation.ToString().ToLowerInvariant()}) and reported by name; foreign ABIs (i386, x32) kill the process");
    }

    /// <summary>What this host cannot enforce of the policy, worded as the run's result reports it.</summary>
    private static ImmutableArray<string> Warnings(SandboxPolicy policy, LaunchHostFacts facts, ImmutableArray<GrantedBind> grants)
    {
        List<string> warnings = [];
        if (policy.Network.Mode == NetworkMode.Host)
            warnings.Add("HOST NETWORK: the guest shares the host's network namespace and can reach every host loopback service and the internet");
        if (facts.RunUser is null && policy.Limits.DiskBytes is not null && grants.Any(b => b.Writable))
            warnings.Add("disk budget not enforced: without root Cordon cannot put a budget under a writable grant; the guest can fill its filesystem (per-file size is still limited)");
        if (facts.Cgroup is null)
        {
            warnings.Add($"no cgroup ({facts.NoCgroupReason}): memory is limited per process (RLIMIT_AS), CPU per process (RLIMIT_CPU), the process count is not limited, and usage is not measured");
            if (policy.Limits.MaxProcesses is not null)
                warnings.Add("process limit not enforced: without a pids cgroup only RLIMIT_NPROC exists, and it counts every process of the host user");
        }

        return [.. warnings];
    }
}
