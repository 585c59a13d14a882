using Cordon.Contracts;

namespace Cordon.Service.Runs;

/// <summary>
/// One run the service accepted: its plan, its state, the Server-Sent Events it has produced so far (bounded by the
/// output cap, so a late subscriber replays them from the start), and its documents when it is over.
/// </summary>
internal sealed class RunJob(string id, string tenant, RunPlan plan)
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public string Tenant { get; } = tenant;
    public RunPlan Plan { get; } = plan;
    public string State { get; private set; } = "queued";
    public RunDocument? Compile { get; private set; }
    public RunDocument? Run { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public CancellationToken Canceled => _cancel.Token;

    /// <summary>The request as the client sent it (a distributed queue sends it to a worker, which validates it again).</summary>
    public RunRequest? Request { get; init; }

    /// <summary>Sees every frame as it is emitted (a worker publishes them to the API nodes).</summary>
    public Action<string, string>? OnFrame { get; init; }
    public Task Finished => _finished.Task;

    /// <summary>Asks the run to stop; a queued run never starts, a running one ends with a canceled result.</summary>
    public void Cancel()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void MarkRunning()
    {
        lock (_gate) State = "running";
    }

    /// <summary>Appends one SSE frame.</summary>
    public void Emit(string name, string json)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add($"event: {name}\ndata: {json}\n\n");
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        OnFrame?.Invoke(name, json);
    }

    public void SetCompile(RunDocument? document)
    {
        lock (_gate) Compile = document;
    }

    /// <summary>Records the outcome and releases every waiter. The last SSE frame must already be emitted.</summary>
    public void Complete(RunDocument? run, string state)
    {
        lock (_gate)
        {
            Run = run;
            State = state;
            FinishedAt = DateTimeOffset.UtcNow;
        }

        _finished.TrySetResult();
        _cancel.Dispose();
    }

    /// <summary>The frames from <paramref name="from"/> on, and a task that completes when more arrive (or the run ends).</summary>
    public (IReadOnlyList<string> Frames, Task More, bool Over) Read(int from)
    {
        lock (_gate)
        {
            return (_events.Skip(from).ToArray(), _changed.Task, FinishedAt is not null);
        }
    }
}
