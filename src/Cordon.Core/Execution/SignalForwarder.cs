namespace Cordon.Execution;

/// <summary>
/// Passes signals the caller received (SIGINT, SIGTERM, SIGHUP, SIGQUIT) on to a running guest, like <c>timeout</c>
/// and <c>docker run</c>: the tier forwards each to every guest process and, <see cref="KillAfter"/> after the first,
/// kills the whole sandbox. The run then ends <see cref="SandboxOutcome.Canceled"/> with the first signal as
/// <see cref="SandboxResult.Signal"/>, even when the guest exited by itself within the grace period.
/// </summary>
/// <remarks>Thread-safe: <see cref="Send"/> may be called from a signal handler's thread while the run is supervised.</remarks>
public sealed class SignalForwarder
{
    private readonly Lock _gate = new();
    private readonly Queue<int> _pending = new();
    private Action? _wake;

    /// <summary>Forwards signals, then kills the sandbox <paramref name="killAfter"/> after the first one.</summary>
    public SignalForwarder(TimeSpan killAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(killAfter, TimeSpan.Zero);
        KillAfter = killAfter;
    }

    /// <summary>The grace period between the first forwarded signal and the kill of every guest process.</summary>
    public TimeSpan KillAfter { get; }

    /// <summary>The first signal sent, once there was one.</summary>
    public int? FirstSignal { get; private set; }

    /// <summary>Queues <paramref name="signal"/> for the guest and wakes the supervisor.</summary>
    public void Send(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signal, 64);
        Action? wake;
        lock (_gate)
        {
            FirstSignal ??= signal;
            _pending.Enqueue(signal);
            wake = _wake;
        }

        wake?.Invoke();
    }

    /// <summary>For tiers: takes the next signal not yet forwarded.</summary>
    public bool TryTake(out int signal)
    {
        lock (_gate) return _pending.TryDequeue(out signal);
    }

    /// <summary>For tiers: <paramref name="wake"/> is called after every <see cref="Send"/> until the result is disposed (and at once when signals are already pending).</summary>
    public IDisposable Subscribe(Action wake)
    {
        ArgumentNullException.ThrowIfNull(wake);
        bool pending;
        lock (_gate)
        {
            _wake = wake;
            pending = _pending.Count > 0;
        }

        if (pending) wake();
        return new Subscription(this);
    }

    private sealed class Subscription(SignalForwarder owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._wake = null;
        }
    }
}
