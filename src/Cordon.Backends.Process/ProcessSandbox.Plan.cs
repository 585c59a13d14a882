using System.Globalization;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Backends.Process.Cgroups;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Seccomp;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process;

public sealed partial class ProcessSandbox
{
    /// <summary>
    /// The plan <see cref="Run"/> would execute for <paramref name="command"/> under <paramref name="policy"/>, built the
    /// same way but without running anything or creating any cgroup: for dry runs and reviews.
    /// </summary>
    /// <remarks>
    /// Two host facts are placeholders, because a real run makes them: the cgroup directories (a run's name carries its
    /// pid and a random part) and, as root, the run's host uid and gid (taken from the run-identity range, shown as
    /// 4294967295). The filter is compiled, not loaded, to give its size.
    /// </remarks>
    public LaunchPlan Plan(SandboxPolicy policy, SandboxCommand command)
    {
        ValidateArguments(policy, command);
        CgroupAvailability cgroups = CgroupProvider.Shared.Availability;
        bool isRoot = Interop.Libc.GetEuid() == 0;
        LaunchHostFacts facts = HostFacts(policy, isRoot ? (uint.MaxValue, uint.MaxValue) : null,
            cgroups.IsUsable
                ? new CgroupFacts(cgroups.Version.ToString().ToLowerInvariant(), [.. cgroups.Hierarchies.Select(h => h.Name)],
                    [.. cgroups.Hierarchies.Select(h => h.RunsParent + "/cordon-<pid>-<n>-<random>")])
                : null,
            cgroups.Reason);
        LaunchPlan plan = Planning.LaunchPlanner.Build(policy, command, facts);
        SeccompProgram program = SeccompFilterCompiler.Compile(policy.Syscalls, policy.Network);
        return plan with { FilterSummary = plan.FilterSummary + string.Create(CultureInfo.InvariantCulture, $"; {program.InstructionCount} BPF instructions") };
    }

    /// <summary>The host facts of one run (or dry run) of <paramref name="policy"/> with these identity and cgroup facts.</summary>
    internal LaunchHostFacts HostFacts(SandboxPolicy policy, (uint Uid, uint Gid)? runUser, CgroupFacts? cgroup, string? noCgroupReason) => new()
    {
        LauncherPath = HostTools.FindLauncher(),
        BwrapPath = HostTools.FindBwrap(),
        SupervisorPid = Environment.ProcessId,
        RunUser = runUser,
        IdmapStageDirectory = runUser is null ? null : _identities.StageDirectory,
        Cgroup = cgroup,
        NoCgroupReason = cgroup is null ? noCgroupReason : null,
        HostEtcFilesPresent = policy.MountSystemDirectories ? GuestEtc.PresentHostFiles() : [],
        ImageEntries = policy.Root.ImagePath is { } rootfs ? ImageRoot.ImageRootListing.Read(rootfs, othersMustReach: runUser is not null) : [],
        JoinCgroupThroughProcs = _options.Baselines.JoinCgroupThroughProcs,
        MountMistakesForTesting = _options.MountMistakesForTesting,
    };
}
