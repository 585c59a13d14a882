namespace Cordon.Backends.JavaScript;

/// <summary>
/// One thread per backend that checks every active run each <see cref="Tick"/>: caller cancellation, wall time and the
/// engine thread's CPU clock. It does not rely on the engine's own checks: a stop is delivered through the engine's
/// cancellation token, and a run whose engine does not come back within the grace period is abandoned (its result
/// is returned; the stuck worker thread is replaced).
/// </summary>
internal sealed class Watchdog : IDisposable
{
    internal static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly object _gate = new();
    private readonly List<(RunState Run, Action Abandon)> _runs = [];
    private readonly TimeSpan _grace;
    private readonly Thread _thread;
    private bool _disposed;

    internal Watchdog(TimeSpan grace)
    {
        _grace = grace;
        _thread = new Thread(Loop) { IsBackground = true, Name = "cordon-js-watchdog" };
        _thread.Start();
    }

    /// <summary>Watches <paramref name="run"/> until the returned handle is disposed; <paramref name="abandon"/> runs (once) if its engine does not stop in time.</summary>
    internal Registration Watch(RunState run, Action abandon)
    {
        lock (_gate)
        {
            _runs.Add((run, abandon));
            Monitor.Pulse(_gate);
        }

        return new Registration(this, run);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }

    private void Remove(RunState run)
    {
        lock (_gate)
        {
            _runs.RemoveAll(r => ReferenceEquals(r.Run, run));
        }
    }

    private void Loop()
    {
        List<Action> abandon = [];
        while (true)
        {
            lock (_gate)
            {
                while (_runs.Count == 0 && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }

                for (int i = _runs.Count - 1; i >= 0; i--)
                {
                    (RunState run, Action onAbandon) = _runs[i];
                    run.CheckLimits();
                    if (run.SinceStopRequested > _grace && !run.IsFinished)
                    {
                        abandon.Add(onAbandon);
                        _runs.RemoveAt(i);
                    }
                }
            }

            foreach (Action a in abandon)
            {
                a();
            }

            abandon.Clear();
            Thread.Sleep(Tick);
        }
    }

    internal readonly struct Registration(Watchdog watchdog, RunState run) : IDisposable
    {
        public void Dispose() => watchdog.Remove(run);
    }
}
