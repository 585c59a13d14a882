using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>
/// Advances the engine's epoch every <see cref="Period"/> while at least one run is active, so that compiled code
/// (which checks the epoch at every loop back-edge and function entry) reaches its store's deadline callback even
/// in a tight loop that makes no calls.
/// </summary>
/// <remarks>
/// A dedicated thread, not a <see cref="Timer"/>: thread-pool starvation in the host must not delay the ticks that
/// enforce wall time. The thread sleeps on a monitor while no run is active.
/// </remarks>
internal sealed class EpochTicker : IDisposable
{
    /// <summary>Tick period: the granularity of wall-time, CPU-time, cancellation and output-kill checks.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private readonly Engine _engine;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private int _active;
    private bool _disposed;

    internal EpochTicker(Engine engine)
    {
        _engine = engine;
        _thread = new Thread(Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = "cordon-wasm-epoch" };
        _thread.Start();
    }

    /// <summary>Marks one run active until the returned lease is disposed.</summary>
    internal Lease Activate()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (++_active == 1)
            {
                Monitor.Pulse(_gate);
            }
        }

        return new Lease(this);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
    }

    private void Release()
    {
        lock (_gate)
        {
            _active--;
        }
    }

    private void Loop()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_active == 0 && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }
            }

            Thread.Sleep(Period);
            _engine.IncrementEpoch();
        }
    }

    /// <summary>One active run.</summary>
    internal readonly struct Lease(EpochTicker owner) : IDisposable
    {
        public void Dispose() => owner.Release();
    }
}
