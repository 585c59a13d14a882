using Cordon.Service.Runs;

namespace Cordon.Service.Queue;

/// <summary>
/// Where accepted runs go: the embedded <see cref="FairQueue"/> runs them in this process; the NATS queue hands them
/// to workers and relays their events and results back. The API sees both through this one shape.
/// </summary>
internal interface IRunQueue : IAsyncDisposable
{
    int Concurrency { get; }
    int Capacity { get; }
    int Queued { get; }
    int Running { get; }

    /// <summary>Queues <paramref name="job"/>; false when the queue is full or stopping.</summary>
    ValueTask<bool> TryEnqueueAsync(RunJob job);

    /// <summary>A run this node did not accept itself (another API node did), or null; only distributed queues know any.</summary>
    ValueTask<RunJob?> FindElsewhereAsync(string id, CancellationToken cancellationToken);

    /// <summary>The server is stopping: no new runs, and every waiting client gets an answer.</summary>
    void CancelRunning();
}
