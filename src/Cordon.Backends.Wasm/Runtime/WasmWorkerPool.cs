namespace Cordon.Backends.Wasm;

/// <summary>
/// Long-lived threads with a known stack size on which modules run.
/// </summary>
/// <remarks>
/// Wasmtime computes its stack-overflow limit from the stack pointer at entry, so the host thread must have at least
/// the configured wasm stack plus room for host frames; thread-pool threads do not promise that. Threads are
/// created lazily up to the maximum and then reused: creating a thread per run would cost far more than the run.
/// </remarks>
internal sealed class WasmWorkerPool : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly List<Thread> _threads = [];
    private readonly int _maxThreads;
    private readonly int _stackBytes;
    private int _waiting;
    private bool _disposed;

    internal WasmWorkerPool(int maxThreads, int stackBytes)
    {
        _maxThreads = maxThreads;
        _stackBytes = stackBytes;
    }

    /// <summary>Queues <paramref name="work"/>; it must not throw.</summary>
    internal void Post(Action work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(work);
            if (_waiting >= _queue.Count || _threads.Count >= _maxThreads)
            {
                Monitor.Pulse(_gate);
                return;
            }

            var thread = new Thread(Loop, _stackBytes) { IsBackground = true, Name = $"cordon-wasm-{_threads.Count}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Lets queued work finish, then stops the threads.</summary>
    public void Dispose()
    {
        Thread[] threads;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_gate);
            threads = [.. _threads];
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }

    private void Loop()
    {
        while (true)
        {
            Action work;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_disposed)
                {
                    _waiting++;
                    Monitor.Wait(_gate);
                    _waiting--;
                }

                if (_queue.Count == 0)
                {
                    return;
                }

                work = _queue.Dequeue();
            }

            work();
        }
    }
}
