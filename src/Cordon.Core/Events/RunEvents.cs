using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Events;

/// <summary>
/// The one place a tier reports a run's events: it gives the run its id, feeds <see cref="SandboxCommand.OnEvent"/>,
/// and keeps <see cref="SandboxCommand.OnOutput"/> working as a thin adapter over the output events.
/// </summary>
public sealed class RunEvents
{
    private readonly SandboxEventObserver? _observer;
    private readonly OutputObserver? _output;
    private int _finished;
    private bool _limitReported;

    /// <summary>Starts the event stream of one run of <paramref name="command"/> on <paramref name="tier"/>.</summary>
    public RunEvents(SandboxCommand command, string tier)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(tier);
        _observer = command.OnEvent;
        _output = command.OnOutput;
        Tier = tier;
        RunId = NewRunId();
    }

    /// <summary>The run's id: 128 random bits, hex.</summary>
    public string RunId { get; }

    /// <summary>The tier's name.</summary>
    public string Tier { get; }

    /// <summary>Whether anyone wants output as it arrives (a tier may skip live delivery when nobody does).</summary>
    public bool WantsOutput => _observer is not null || _output is not null;

    /// <summary>Whether anyone receives events (a tier may skip preparing one nobody receives).</summary>
    public bool IsObserved => _observer is not null;

    /// <summary>The guest is about to start.</summary>
    public void Started(ResourceLimits limits) => _observer?.Invoke(new RunStarted(RunId, Tier, limits));

    /// <summary>Guest output after the cap. The span is copied for event consumers; the output callback sees it directly.</summary>
    public void Output(OutputStream stream, ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty) return;
        _output?.Invoke(stream, chunk);
        _observer?.Invoke(new OutputReceived(RunId, stream, chunk.ToArray()));
    }

    /// <summary>A refused syscall, as it happens.</summary>
    public void Violation(string syscall, int number, string action) => _observer?.Invoke(new ViolationObserved(RunId, syscall, number, action));

    /// <summary>A refused connection or name lookup, as it happens (the first of each kind; the result counts them all).</summary>
    public void NetworkViolation(NetworkViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        _observer?.Invoke(new ViolationObserved(RunId, violation.Via ?? "connect", -1, "errno") { Network = violation });
    }

    /// <summary>A limit fired.</summary>
    public void LimitReached(string limit, string detail)
    {
        _limitReported = true;
        _observer?.Invoke(new LimitReached(RunId, limit, detail));
    }

    /// <summary>Stamps the result with the run's id and tier and emits <see cref="RunFinished"/> (once).</summary>
    public SandboxResult Finished(SandboxResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        SandboxResult stamped = result with { RunId = RunId, Tier = Tier };
        if (Interlocked.Exchange(ref _finished, 1) != 0) return stamped;

        // Limits the tier only learns of at the end (the OOM killer, the pids controller, a full disk budget) still get their event.
        if (!_limitReported && LimitOf(stamped.Outcome) is { } limit) LimitReached(limit, stamped.Detail ?? limit);
        _observer?.Invoke(new RunFinished(RunId, stamped));
        return stamped;
    }

    private static string? LimitOf(SandboxOutcome outcome) => outcome switch
    {
        SandboxOutcome.WallTimeExceeded => Contracts.WireNames.Limit.WallTime,
        SandboxOutcome.CpuTimeExceeded => Contracts.WireNames.Limit.CpuTime,
        SandboxOutcome.MemoryExceeded => Contracts.WireNames.Limit.Memory,
        SandboxOutcome.ProcessLimitExceeded => Contracts.WireNames.Limit.Processes,
        SandboxOutcome.OutputExceeded => Contracts.WireNames.Limit.Output,
        SandboxOutcome.DiskExceeded => Contracts.WireNames.Limit.Disk,
        _ => null,
    };

    /// <summary>A fresh run id: 32 hex digits, 122 of their bits from the system's CSPRNG.</summary>
    /// <remarks>
    /// A random GUID rather than <c>RandomNumberGenerator</c>: on Linux the latter loads and initialises OpenSSL, a few
    /// milliseconds of CPU in every cold <c>cordon run</c>, while <c>Guid.NewGuid</c> reads the kernel's generator directly.
    /// </remarks>
    public static string NewRunId() => Guid.NewGuid().ToString("N");
}
