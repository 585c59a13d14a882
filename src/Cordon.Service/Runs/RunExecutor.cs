using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Cordon.Backends.Process.Pool;
using Cordon.Contracts;
using Cordon.Errors;
using Cordon.Events;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.PolicyFiles.Profiles;
using Cordon.Service.Api;
using Cordon.Service.Runtimes;
using Cordon.Tiers;

namespace Cordon.Service.Runs;

/// <summary>
/// Runs one <see cref="RunJob"/>: a private work directory holding only the uploaded files, the compile step in a
/// sandbox of its own (when the runtime has one), then the run, every event as an SSE frame, and the directory removed
/// afterwards whatever happened. Policies come from the built-in profiles with the request's budget; the network is
/// always none and no host path but the work directory is ever granted.
/// </summary>
/// <remarks>
/// With a warm pool for the run's runtime the work directory is leased from the pool before anything is written (a
/// ready member's own, fresh directory, or a fresh one for a cold run), the compile step runs cold over it as before,
/// and the run goes through the lease; disposing the lease removes the directory and any member it did not run.
/// </remarks>
internal sealed class RunExecutor(TierRegistry tiers, Warm.WarmPools? warm = null)
{
    public async Task ExecuteAsync(RunJob job, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Canceled, stopping);
        CancellationToken cancel = linked.Token;
        RunPlan plan = job.Plan;
        ISandboxTier tier = tiers.Find(plan.Tier)!;
        string? directory = null;
        WarmLease? lease = null;
        RunDocument? run = null;
        try
        {
            cancel.ThrowIfCancellationRequested();
            job.MarkRunning();
            if (warm?.For(plan) is { } pool)
            {
                // The lease replaces the policy's work directory with its own, so any existing directory stands in here.
                lease = pool.Lease(RunCommand(plan, Path.GetTempPath()).Policy);
                directory = lease.WorkDirectory;
            }
            else
            {
                // Named like the process tier's own directories, so a sweep after this process dies (SIGKILL) removes it.
                directory = Directory.CreateTempSubdirectory($"cordon-serve-{Environment.ProcessId}-").FullName;
            }

            WriteFiles(directory, plan.Files);
            if (plan.Runtime?.Compile is { } compile)
            {
                RunDocument compiled = await Step(job, "compile", tier, CompilePolicy(plan, directory),
                    new SandboxCommand(compile.Compiler, [.. compile.Arguments, .. plan.Files.Where(f => compile.SourceExtensions.Any(e => f.Path.EndsWith(e, StringComparison.Ordinal))).Select(f => f.Path)]),
                    cancel);
                job.SetCompile(compiled);
                if (compiled.Outcome != WireNames.Outcome(SandboxOutcome.Exited) || compiled.ExitCode != 0)
                {
                    Finish(job, null, compiled.Outcome == WireNames.Outcome(SandboxOutcome.Canceled) ? "canceled" : "compile_failed");
                    return;
                }
            }

            (SandboxPolicy policy, SandboxCommand command) = RunCommand(plan, directory);
            run = await Step(job, "run", tier, lease?.Policy ?? policy, command with { StandardInput = plan.Stdin }, cancel, lease);
            Finish(job, run, run.Outcome == WireNames.Outcome(SandboxOutcome.Canceled) ? "canceled" : "finished");
        }
        catch (Exception e) when (e is OperationCanceledException)
        {
            Finish(job, RunDocuments.From(CanceledResult(plan)), "canceled");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Finish(job, RunDocuments.SetupError(plan.Tier, $"the run's work directory could not be prepared: {e.Message}"), "finished");
        }
        catch (CordonException e)
        {
            // A lease refused before any sandbox ran (the steps report their own errors as documents).
            Finish(job, RunDocuments.SetupError(plan.Tier, e.Message), "finished");
        }
        finally
        {
            if (lease is not null)
            {
                lease.Dispose();
                if (lease.CleanupProblem is { } problem) Console.Error.WriteLine($"cordon serve: {problem}");
            }
            else if (directory is not null)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"cordon serve: could not remove {directory}: {e.Message}");
                }
            }
        }
    }

    private static void Finish(RunJob job, RunDocument? run, string state)
    {
        job.Emit("done", JsonSerializer.Serialize(RunView.Of(job) with { State = state, Run = run }, ServiceJson.Default.RunView));
        job.Complete(run, state);
    }

    /// <summary>One sandboxed step; its events become frames, and a setup error or a cancellation still yields a document.</summary>
    private static async Task<RunDocument> Step(RunJob job, string phase, ISandboxTier tier, SandboxPolicy policy, SandboxCommand command, CancellationToken cancel, WarmLease? lease = null)
    {
        SandboxCommand observed = command with { OnEvent = e => Emit(job, phase, e) };
        RunDocument document;
        try
        {
            // The lease runs the process tier's sandbox itself: warm on its member, or cold with its directory granted.
            SandboxResult result = lease is not null
                ? await lease.RunAsync(observed, cancel).ConfigureAwait(false)
                : await tier.RunAsync(policy, observed, TierSettings.None, cancel).ConfigureAwait(false);
            document = RunDocuments.From(result);
        }
        catch (OperationCanceledException)
        {
            document = RunDocuments.From(CanceledResult(job.Plan));
        }
        catch (CordonException e)
        {
            document = RunDocuments.SetupError(tier.Name, e.Message, policy.Limits);
        }

        job.Emit("finished", JsonSerializer.Serialize(new FinishedFrame(phase, document), ServiceJson.Default.FinishedFrame));
        return document;
    }

    private static void Emit(RunJob job, string phase, SandboxEvent e)
    {
        switch (e)
        {
            case RunStarted s:
                job.Emit("started", JsonSerializer.Serialize(new StartedFrame(phase, s.Tier), ServiceJson.Default.StartedFrame));
                break;
            case OutputReceived o:
                ReadOnlySpan<byte> bytes = o.Chunk.Span;
                bool utf8 = System.Text.Unicode.Utf8.IsValid(bytes);
                job.Emit("output", JsonSerializer.Serialize(new OutputFrame(phase, o.Stream == OutputStream.StandardOutput ? "stdout" : "stderr",
                    Encoding.UTF8.GetString(bytes), utf8 ? null : Convert.ToBase64String(bytes)), ServiceJson.Default.OutputFrame));
                break;
            case ViolationObserved v:
                ViolationFrame frame = v.Network is { } n
                    ? new(phase, v.Syscall, v.Number, v.Action, "network", string.IsNullOrEmpty(n.Address) ? null : n.Address, n.Port, n.Protocol, n.Reason, n.Host, n.Via)
                    : new(phase, v.Syscall, v.Number, v.Action);
                job.Emit("violation", JsonSerializer.Serialize(frame, ServiceJson.Default.ViolationFrame));
                break;
            case LimitReached l:
                job.Emit("limit", JsonSerializer.Serialize(new LimitFrame(phase, l.Limit, l.Detail), ServiceJson.Default.LimitFrame));
                break;
        }
    }

    /// <summary>The result of a run canceled before its sandbox produced one.</summary>
    public static SandboxResult CanceledResult(RunPlan plan, string why = "canceled before it finished (DELETE /v1/runs/{id} or the server stopping)")
        => new(SandboxOutcome.Canceled, null, null, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty, [], [], ResourceLimits.Default, why) { Tier = plan.Tier };

    private static void WriteFiles(string directory, ImmutableArray<PlannedFile> files)
    {
        foreach (PlannedFile file in files)
        {
            string path = Path.Combine(directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // CreateNew: the directory is fresh and paths were validated, so nothing here can follow a link out of it.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(file.Content);
        }
    }

    private static SandboxPolicy CompilePolicy(RunPlan plan, string directory) => Limited(OnHost(plan, Profile("gcc"), directory), plan.Compile!);

    /// <summary>
    /// A host program's policy: the profile with the work directory. Under gVisor the guest is uid 0 of the Sentry's
    /// own kernel (no capabilities, no new privileges): runsc's gofer shows the work directory with its host owner, this
    /// service's uid, so only that uid can read the uploaded files and write beside them; the Sentry is the boundary.
    /// </summary>
    private static SandboxPolicyBuilder OnHost(RunPlan plan, SandboxPolicy profile, string directory)
        => new SandboxPolicyBuilder(profile).WithWorkDirectory(directory).WithGuestRoot(plan.Tier == "gvisor");

    /// <summary>The run step's policy and command with <paramref name="directory"/> as the work directory.</summary>
    internal static (SandboxPolicy Policy, SandboxCommand Command) RunCommand(RunPlan plan, string directory)
    {
        ServiceRuntime? runtime = plan.Runtime;
        if (runtime is null)
        {
            return (Limited(OnHost(plan, Profile("shell"), directory), plan.Run, plan.Network), new SandboxCommand(plan.Arguments[0], plan.Arguments[1..]));
        }

        if (runtime.Profile is not null)
        {
            return (Limited(OnHost(plan, Profile(runtime.Profile), directory), plan.Run, plan.Network),
                new SandboxCommand(runtime.Program!, runtime.RunArguments(plan.Entry, plan.Arguments)));
        }

        // The in-process tiers read the entry file from the work directory and get no directory of their own.
        return (Limited(new SandboxPolicyBuilder(), plan.Run), new SandboxCommand(Path.Combine(directory, plan.Entry), plan.Arguments));
    }

    private static SandboxPolicy Profile(string name) => BuiltInProfiles.TryGet(name, out RuntimeProfile? p)
        ? p.Policy : throw new InvalidOperationException($"built-in profile '{name}' is missing");

    private static SandboxPolicy Limited(SandboxPolicyBuilder builder, RunBudget budget, ImmutableArray<NetworkDestination>? network = null)
    {
        // Only what the request named (validated against the server's ceiling) beside no network of its own.
        foreach (NetworkDestination destination in network ?? []) builder.AllowNetworkTo(destination);
        builder.WithNetwork(NetworkMode.None).WithWallTime(budget.WallTime).WithCpuTime(budget.CpuTime).WithMemory(budget.MemoryBytes).WithMaxOutput(budget.OutputBytes);
        if (budget.Processes is { } n) builder.WithMaxProcesses(n);
        return builder.Build();
    }
}
