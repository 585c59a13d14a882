namespace Cordon.Workers;

/// <summary>
/// Long-lived threads with a known stack size on which in-process tiers run guests. A WebAssembly engine computes its
/// stack-overflow limit from the stack pointer at entry and a script engine's stack guard needs room too, and
/// thread-pool threads promise neither; creating a thread per run would cost more than a warm run. Threads are created
/// lazily up to the maximum and then reused. A worker whose run was abandoned (its engine did not stop) is retired: it
/// exits when its run finally ends, and a new thread takes its place.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly HashSet<Thread> _threads = [];
    private readonly HashSet<Thread> _retired = [];
    private readonly int _maxThreads;
    private readonly int _stackBytes;
    private readonly string _namePrefix;
    private int _waiting;
    private int _created;
    private bool _disposed;

    /// <param name="namePrefix">Thread names are this plus a number (for debuggers and <c>top -H</c>).</param>
    /// <param name="maxThreads">Most threads alive at once (abandoned, retired ones not counted).</param>
    /// <param name="stackBytes">Each thread's stack size.</param>
    internal WorkerPool(string namePrefix, int maxThreads, int stackBytes)
    {
        _namePrefix = namePrefix;
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

            StartThread();
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
                StartThread();
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

    /// <summary>Starts one more worker; the caller holds the gate.</summary>
    private void StartThread()
    {
        var thread = new Thread(Loop, _stackBytes) { IsBackground = true, Name = $"{_namePrefix}{_created++}" };
        _threads.Add(thread);
        thread.Start();
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
