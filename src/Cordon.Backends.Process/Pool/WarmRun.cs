using System.Diagnostics;
using Cordon.Backends.Process.Seccomp;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// One run on a warm member: the command is sent, and from then on the run is supervised, judged and cleaned up by
/// the same code as a cold run (<see cref="RunSupervisor"/>, <see cref="ProcessSandbox.BuildResult"/>), with its
/// limits counted from the command's arrival.
/// </summary>
internal static class WarmRun
{
    /// <summary>The run's result; null when the member could not take the command (nothing of it ran: run it cold).</summary>
    /// <remarks>The caller disposes <paramref name="member"/> afterwards, on every path: that is the run's teardown.</remarks>
    public static SandboxResult? Execute(WarmMember member, SandboxPolicy policy, SandboxCommand command, ProcessBackendOptions options, CancellationToken cancellationToken)
    {
        long runStart = Stopwatch.GetTimestamp();
        using var resources = new RunResources();
        List<string> warnings = [.. member.Warnings];
        GuestStdio stdio = GuestStdio.Create(command, resources);
        var wake = resources.Pipe();

        Network.ConnectProxy? connects = ProcessSandbox.NetworkProxyFor(policy, options);
        using Network.DnsStub? nameServer = connects?.NameServer;
        using var channel = new SeccompChannelPair.Channel(member.SeccompSocket, policy.Syscalls.OnViolation)
        {
            Connects = connects,
            SynchronousWakeups = !options.Baselines.AsynchronousSeccompWakeups,
        };
        var supervisor = new RunSupervisor(policy.Limits, command, member.Cgroup, channel, policy.Syscalls.OnViolation, member.Status, member.Info);
        if (connects is not null) connects.Ledger.Observer = supervisor.NetworkRefusals.Enqueue;

        TimeSpan setup = Stopwatch.GetElapsedTime(runStart);
        member.Cgroup?.StartAccountingNow();
        Stopwatch clock = Stopwatch.StartNew();
        int errno = CommandMessage.Send(member.CommandSocket, policy, command, stdio, resources);
        // The launcher holds the guest's ends now (or nobody does): EOF on them means the guest side is gone.
        resources.CloseChildEnds(stdio.ChildEnds);
        member.CommandSocket.Dispose();
        if (errno != 0) return null;
        TimeSpan sent = clock.Elapsed;

        // If supervision itself fails, the caller's disposal of the member kills the cgroup and bwrap, reaps it and
        // removes the rest, as a cold run's failure path does.
        using (cancellationToken.Register(() => Interop.FileDescriptors.WriteAvailable(wake.Write, "c"u8)))
        using (command.Signals?.Subscribe(() => Interop.FileDescriptors.WriteAvailable(wake.Write, "s"u8)))
        {
            supervisor.Supervise(member.BwrapPid, member.Pidfd, stdio, member.StatusRead, infoRead: null, wake.Read,
                () => cancellationToken.IsCancellationRequested, clock);
        }

        member.MarkReaped();

        SandboxResult result;
        try
        {
            result = ProcessSandbox.BuildResult(policy, command, supervisor, member.Cgroup, warnings,
                member.Plan.Grants, member.Handles.GrantSources, member.Handles.Budgets, member.Plan.LauncherPath);
        }
        catch (Errors.SandboxSetupException e) when (e.Step == "launcher chdir" && supervisor.Status.Failure is { } failure)
        {
            // A cold run's bwrap makes this change of directory, and says so in its own words: the same error either way.
            throw new Errors.SandboxSetupException("bwrap",
                $"bwrap: Can't chdir to {command.WorkingDirectory}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(failure.Errno)}",
                "check the mount paths in the policy; run cordon doctor");
        }

        return ProcessSandbox.Finish(result, supervisor, connects, nameServer, options, setup, sent, clock);
    }
}
