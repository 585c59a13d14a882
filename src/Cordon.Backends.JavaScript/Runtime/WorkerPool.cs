namespace Cordon.Backends.JavaScript;

/// <summary>
/// Long-lived threads with a known stack size on which scripts run, so that the engine's stack guard has room and a
/// warm run costs no thread creation. A worker whose run was abandoned (its engine did not stop) is retired: it exits
/// when its run finally ends, and a new thread takes its place.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly HashSet<Thread> _threads = [];
    private readonly HashSet<Thread> _retired = [];
    private readonly int _maxThreads;
    private readonly int _stackBytes;
    private int _waiting;
    private int _created;
    private bool _disposed;

    internal WorkerPool(int maxThreads, int stackBytes)
    {
        _maxThreads = maxThreads;
        _stackBytes = stackBytes;
    }

    /// <summary>Worker threads retired because their run did not stop, and that have not ended yet.</summary>
    internal int StuckWorkers
    {
        get
        {
            lock (_gate)
            {
                return _retired.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="work"/>; it must not throw. It receives the thread it runs on.</summary>
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

            var thread = new Thread(Loop, _stackBytes) { IsBackground = true, Name = $"cordon-js-{_created++}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>Takes <paramref name="thread"/> out of the pool (its run was abandoned); queued work gets a new thread.</summary>
    internal void Retire(Thread thread)
    {
        bool spawn;
        lock (_gate)
        {
            if (!_threads.Remove(thread))
            {
                return;
            }

            _retired.Add(thread);
            spawn = _queue.Count > _waiting && !_disposed;
        }

        if (spawn)
        {
            lock (_gate)
            {
                var replacement = new Thread(Loop, _stackBytes) { IsBackground = true, Name = $"cordon-js-{_created++}" };
                _threads.Add(replacement);
                replacement.Start();
            }
        }
    }

    /// <summary>Lets queued work finish, then stops the threads (retired, stuck threads are background threads and are not waited for).</summary>
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
        Thread self = Thread.CurrentThread;
        while (true)
        {
            Action work;
            lock (_gate)
            {
                if (_retired.Remove(self))
                {
                    return;
                }

                while (_queue.Count == 0 && !_disposed)
                {
                    _waiting++;
                    Monitor.Wait(_gate);
                    _waiting--;
                }

                if (_queue.Count == 0)
                {
                    _threads.Remove(self);
                    return;
                }

                work = _queue.Dequeue();
            }

            work();
        }
    }
}
