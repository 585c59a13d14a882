using System.Collections.Concurrent;
using Cordon.Events;
using Cordon.Service.Api;
using Cordon.Service.Auth;
using Cordon.Service.Queue;

namespace Cordon.Service.Runs;

/// <summary>
/// The runs this server holds: admission (quotas, the queue's bound), lookup by id for the tenant that owns the run,
/// and removal of finished runs after the retention time.
/// </summary>
internal sealed class RunService(IRunQueue queue, TenantGate gate, RunRequestValidator validator, ServiceCeilings ceilings)
{
    private readonly ConcurrentDictionary<string, RunJob> _jobs = new(StringComparer.Ordinal);

    public IRunQueue Queue => queue;

    /// <summary>Queues <paramref name="plan"/> for <paramref name="key"/>'s tenant; a 403 past the key's limits, a 429 past a quota, a 503 when the queue is full.</summary>
    public async Task<RunJob> SubmitAsync(ApiKey key, RunRequest request, RunPlan plan)
    {
        Sweep();
        TenantGate.Authorize(key, plan.Tier);
        if (KeyLimitCheck.Apply(key, request, plan) is { } lowered)
        {
            request = lowered;
            plan = validator.Validate(lowered);
        }

        string id = RunEvents.NewRunId();
        await gate.AdmitAsync(key, id, CancellationToken.None);
        var job = new RunJob(id, key.Tenant, plan) { Request = request };
        _ = job.Finished.ContinueWith(_ => gate.EndedAsync(key, id, ((job.Run?.CpuTimeMs ?? 0) + (job.Compile?.CpuTimeMs ?? 0)) / 1000).AsTask(),
            TaskScheduler.Default).Unwrap();
        _jobs[job.Id] = job;
        bool queued;
        try
        {
            queued = await queue.TryEnqueueAsync(job);
        }
        catch
        {
            _jobs.TryRemove(job.Id, out _);
            await gate.ReleaseAsync(key, id);
            throw;
        }

        if (!queued)
        {
            _jobs.TryRemove(job.Id, out _);
            await gate.ReleaseAsync(key, id);
            throw new ProblemException(503, "queue-full", "The server's queue is full",
                $"{queue.Queued} runs are waiting (at most {queue.Capacity}); retry shortly") { RetryAfterSeconds = 2 };
        }

        return job;
    }

    /// <summary>The run <paramref name="id"/> if it belongs to <paramref name="key"/>'s tenant; a 404 otherwise (another tenant's run does not exist for the caller).</summary>
    public async Task<RunJob> FindAsync(ApiKey key, string id, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out RunJob? job) && IsRunId(id) && await queue.FindElsewhereAsync(id, cancellationToken) is { } found)
        {
            job = _jobs.GetOrAdd(id, found);
        }

        return job is not null && job.Tenant == key.Tenant
            ? job
            : throw new ProblemException(404, "run-not-found", "No such run", $"run '{(id.Length > 64 ? id[..64] : id)}' does not exist here, or it finished more than {ceilings.Retention.TotalMinutes:0} minutes ago");
    }

    /// <summary>Whether <paramref name="id"/> has the form of a run id (32 lower-case hex digits), so it is safe as a subject token or a key.</summary>
    public static bool IsRunId(string id) => id.Length == 32 && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private void Sweep()
    {
        DateTimeOffset cutoff = DateTimeOffset.UtcNow - ceilings.Retention;
        foreach ((string id, RunJob job) in _jobs)
        {
            if (job.FinishedAt is { } at && at < cutoff) _jobs.TryRemove(id, out _);
        }
    }
}
