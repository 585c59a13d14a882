using Cordon.Service.Runs;

namespace Cordon.Service.Queue;

/// <summary>
/// The embedded queue: bounded, fair between tenants (round robin over the tenants that have waiting runs, so one
/// tenant's flood waits behind its own runs only), and at most <see cref="Concurrency"/> runs at once.
/// </summary>
internal sealed class FairQueue : IRunQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<RunJob>> _waiting = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private readonly RunExecutor _executor;
    private readonly int _capacity;
    private int _queued;
    private int _running;

    public FairQueue(RunExecutor executor, int concurrency, int capacity)
    {
        _executor = executor;
        _capacity = capacity;
        Concurrency = concurrency;
        _workers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync))];
    }

    public int Concurrency { get; }
    public int Capacity => _capacity;
    public int Queued => Volatile.Read(ref _queued);
    public int Running => Volatile.Read(ref _running);

    public ValueTask<bool> TryEnqueueAsync(RunJob job) => ValueTask.FromResult(TryEnqueue(job));

    /// <summary>Every run of the embedded queue was accepted by this process.</summary>
    public ValueTask<RunJob?> FindElsewhereAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult<RunJob?>(null);

    /// <summary>Queues <paramref name="job"/>; false when the queue is full or stopping.</summary>
    public bool TryEnqueue(RunJob job)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _queued >= _capacity) return false;
            if (!_waiting.TryGetValue(job.Tenant, out Queue<RunJob>? queue))
            {
                _waiting[job.Tenant] = queue = new Queue<RunJob>();
                _turns.AddLast(job.Tenant);
            }

            queue.Enqueue(job);
            _queued++;
        }

        _available.Release();
        return true;
    }

    /// <summary>The next job: the first waiting run of the tenant whose turn it is; that tenant goes to the back.</summary>
    private RunJob? Next()
    {
        lock (_gate)
        {
            if (_turns.First is null) return null;
            string tenant = _turns.First!.Value;
            _turns.RemoveFirst();
            Queue<RunJob> queue = _waiting[tenant];
            RunJob job = queue.Dequeue();
            if (queue.Count > 0) _turns.AddLast(tenant);
            else _waiting.Remove(tenant);
            _queued--;
            return job;
        }
    }

    private async Task WorkAsync()
    {
        while (true)
        {
            try
            {
                await _available.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Next() is not { } job) continue;
            Interlocked.Increment(ref _running);
            try
            {
                await _executor.ExecuteAsync(job, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A bug in the service, not in the guest: the run still ends, with the error as its result.
                Console.Error.WriteLine($"cordon serve: run {job.Id} failed inside the service: {e}");
                if (!job.Finished.IsCompleted) job.Complete(Contracts.RunDocuments.SetupError(job.Plan.Tier, "the service failed: " + e.Message), "finished");
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }

    /// <summary>
    /// Refuses new runs and cancels every one: waiting runs end as canceled without starting (their result is written
    /// now, so a client waiting on one is answered before the server closes), running ones end with their result.
    /// </summary>
    public void CancelRunning()
    {
        List<RunJob> abandoned = [];
        lock (_gate)
        {
            if (!_stopping.IsCancellationRequested) _stopping.Cancel();
            foreach (Queue<RunJob> q in _waiting.Values) abandoned.AddRange(q);
            _waiting.Clear();
            _turns.Clear();
            _queued = 0;
        }

        foreach (RunJob job in abandoned)
        {
            job.Cancel();
            // Canceled before it starts: no directory, no sandbox, only the canceled result.
            _executor.ExecuteAsync(job, _stopping.Token).GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops (see <see cref="CancelRunning"/>) and returns when every worker is idle.</summary>
    public async ValueTask DisposeAsync()
    {
        CancelRunning();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _stopping.Dispose();
        _available.Dispose();
    }
}
