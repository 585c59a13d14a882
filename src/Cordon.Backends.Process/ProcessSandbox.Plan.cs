using System.Collections.Immutable;
using System.Globalization;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Cgroups;
using Cordon.Backends.Process.Seccomp;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Backends.Process;

public sealed partial class ProcessSandbox
{
    /// <summary>
    /// Describes, without running anything or creating any cgroup, what <see cref="Run"/> would execute for
    /// <paramref name="command"/> under <paramref name="policy"/>: read-only, for dry runs and reviews.
    /// </summary>
    /// <remarks>
    /// The spec is built as <see cref="Run"/> builds it, except that cgroup directories are shown as placeholders
    /// (a real run's name carries its pid and a random part) and the filter is compiled but not loaded.
    /// </remarks>
    public LaunchPlan Plan(SandboxPolicy policy, SandboxCommand command)
    {
        ValidateArguments(policy, command);
        CgroupAvailability cgroups = CgroupProvider.Shared.Availability;
        var etcFiles = policy.MountSystemDirectories ? GuestEtc.Generated(policy.GuestIsRoot) : [];
        ImmutableArray<string> joins = [.. cgroups.Hierarchies.Select(h => h.RunsParent + "/cordon-<pid>-<n>-<random>")];
        bool isRoot = Interop.Libc.GetEuid() == 0;
        ImmutableArray<GrantedBind> binds = GrantedBind.All(policy);
        bool budgeted = isRoot && policy.Limits.DiskBytes is not null && binds.Any(b => b.Writable);
        var spec = new LaunchSpec
        {
            Policy = policy,
            Command = command,
            LauncherPath = HostTools.FindLauncher(),
            BwrapPath = HostTools.FindBwrap(),
            CgroupJoinDirectories = joins,
            // A real run takes a host uid of its own from the range; the plan names the range's placeholder.
            DropToHostUser = isRoot ? (uint.MaxValue, uint.MaxValue) : null,
            IdmapStageDirectory = isRoot ? _identities.StageDirectory : null,
            BudgetWritableGrants = budgeted,
            JoinCgroupThroughProcs = _options.Baselines.JoinCgroupThroughProcs,
            HostEtcFilesPresent = policy.MountSystemDirectories ? GuestEtc.PresentHostFiles() : [],
            GeneratedEtcFiles = [.. etcFiles.Select(f => f.Path)],
            SupervisorPid = Environment.ProcessId,
            CpuRlimitSeconds = policy.Limits.CpuTime is { } cpu ? (long)Math.Ceiling(cpu.TotalSeconds) + (cgroups.IsUsable ? 1 : 0) : null,
            AddressSpaceRlimitBytes = cgroups.IsUsable ? null : policy.Limits.MemoryBytes,
        };

        List<string> fds = [
            command.Terminal is not null ? "0, 1, 2: a new pseudo-terminal" : command.StandardInput is not null || command.StandardInputSource is not null ? "0: a pipe from the supervisor (stdin, streamed)" : "0: /dev/null",
        ];
        if (command.Terminal is null) fds.Add(command.MergeStandardError ? "1, 2: one pipe to the supervisor (order kept)" : "1: a pipe to the supervisor (stdout); 2: a pipe to the supervisor (stderr)");
        fds.Add($"{LaunchFds.Status}: the launcher's status pipe");
        fds.Add($"{LaunchFds.Notify}: the seccomp listener's socket");
        fds.Add($"{LaunchFds.Bpf}: the seccomp filter, written after the spawn");
        fds.Add($"{LaunchFds.BwrapArgs}: bwrap's options (--args), a sealed file");
        for (int i = 0; i < etcFiles.Length; i++) fds.Add($"{LaunchFds.EtcFile(spec, i)}: generated {etcFiles[i].Path}");
        int copiedIndex = 0;
        foreach (MountSpec copied in policy.Mounts.Where(m => m.Kind == MountKind.CopiedFile)) fds.Add($"{LaunchFds.CopiedFile(spec, copiedIndex++)}: copy of {copied.HostPath} for {copied.GuestPath}");
        for (int i = 0; i < binds.Length; i++) fds.Add($"{LaunchFds.BindSource(spec, i)}: {binds[i].HostPath}, opened without following links, for {binds[i].GuestPath}{(binds[i].Writable ? " (writable)" : "")}");
        for (int k = 0; budgeted && k < binds.Count(b => b.Writable); k++) fds.Add($"{LaunchFds.BudgetLayer(spec, k)}: the disk budget's layer for writable grant {k}");
        for (int i = 0; i < command.InheritedFiles.Length; i++) fds.Add($"{LaunchFds.Inherited(spec, i)}: the caller's descriptor, as guest descriptor {command.InheritedFiles[i].GuestFd}");

        List<string> steps = [];
        if (joins.Length > 0) steps.Add("enter: join the run's cgroup in " + string.Join(", ", cgroups.Hierarchies.Select(h => h.Name)));
        if (spec.DropToHostUser is not null) steps.Add("enter: drop to a host uid and gid of the run's own (from the run-identity range; shown as 4294967295 above); no capabilities; parent-death signal SIGKILL");
        if (spec.IdmapStageDirectory is not null && binds.Any(b => b.Writable)) steps.Add("enter: idmapped clones of the writable grants in a private mount namespace, so the guest's files land owned by each directory's owner" + (budgeted ? ", writes going to a disk-budget layer applied after the run" : ""));
        steps.Add("bwrap: new user, pid, ipc, uts and cgroup namespaces" + (policy.Network.Mode == NetworkMode.Host ? "; the HOST network namespace" : ", a new network namespace") + "; the mounts in the argv; / read-only");
        steps.Add("init (pid 1): Landlock rules for exactly the mounted paths" + (policy.RequireLandlock ? " (required)" : " (best effort)"));
        steps.Add("init: rlimits CORE=0" + RlimitText(policy.Limits, spec));
        steps.Add("init: no_new_privs, then the seccomp filter with the supervisor's listener; fork the guest, exec it, reap every process");

        SeccompProgram program = SeccompFilterCompiler.Compile(policy.Syscalls, policy.Network.Mode);
        SeccompRuleSet rules = SyscallProfiles.Build(policy.Syscalls.Profile, policy.Syscalls.Profile == SyscallProfile.Custom ? policy.Syscalls.AllowedSyscalls : [], policy.Network.Mode);
        int allowed = rules.Rules.Count(r => r.Action == SyscallRuleAction.Allow);
        string filter = string.Create(CultureInfo.InvariantCulture,
            $"profile {policy.Syscalls.Profile.ToString().ToLowerInvariant()}: {allowed} syscalls allowed, {rules.Rules.Count - allowed} answered with an errno, everything else refused ({policy.Syscalls.OnViolation.ToString().ToLowerInvariant()}) and reported by name; {program.InstructionCount} BPF instructions; foreign ABIs (i386, x32) kill the process");

        ImmutableArray<string> limits = cgroups.IsUsable
            ? [
                $"cgroup {cgroups.Version.ToString().ToLowerInvariant()} ({string.Join(", ", cgroups.Hierarchies.Select(h => h.Name))})",
                "memory " + (policy.Limits.MemoryBytes is { } m ? ByteSize.Format(m) + ", swap off" : "max"),
                "pids " + (policy.Limits.MaxProcesses is { } p ? $"{p} + {SupervisionTasks} for the launch chain" : "max"),
                "cpu time " + (policy.Limits.CpuTime is { } c ? DurationText.Format(c) + ", read every 25 ms" : "unlimited"),
            ]
            : [$"none: {cgroups.Reason}"];
        return new LaunchPlan(LaunchCommandLine.Build(spec).Expanded(), [.. fds], [.. steps], filter, limits);
    }

    private static string RlimitText(ResourceLimits limits, LaunchSpec spec)
    {
        var text = new System.Text.StringBuilder();
        if (limits.OpenFiles is { } n) text.Append(CultureInfo.InvariantCulture, $", NOFILE={n}");
        if (limits.FileSizeBytes is { } f) text.Append(", FSIZE=").Append(ByteSize.Format(f));
        if (limits.StackBytes is { } s) text.Append(", STACK=").Append(ByteSize.Format(s));
        if (spec.CpuRlimitSeconds is { } cpu) text.Append(CultureInfo.InvariantCulture, $", CPU={cpu}s");
        if (spec.AddressSpaceRlimitBytes is { } a) text.Append(", AS=").Append(ByteSize.Format(a));
        return text.ToString();
    }
}
