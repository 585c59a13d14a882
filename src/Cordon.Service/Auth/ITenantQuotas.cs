namespace Cordon.Service.Auth;

/// <summary>
/// Where a tenant's quotas are counted: in this process (<see cref="LocalQuotas"/>, the embedded queue) or in a store
/// every API node shares (<see cref="Distributed.SharedQuotas"/>, a NATS queue). Each run takes a slot at admission
/// under its run id and gives it back once.
/// </summary>
internal interface ITenantQuotas : IAsyncDisposable
{
    /// <summary>Takes one run of the tenant's quotas for <paramref name="runId"/>; a 429 past a quota, a 503 when the count cannot be read.</summary>
    ValueTask AdmitAsync(ApiKey key, string runId, CancellationToken cancellationToken);

    /// <summary>Gives the slot back now: the run was refused after its admission, or it ended on this node.</summary>
    ValueTask ReleaseAsync(ApiKey key, string runId);

    /// <summary>A queued run's result arrived here, with the CPU seconds it used (the shared store was charged by whoever stored the result).</summary>
    ValueTask EndedAsync(ApiKey key, string runId, double cpuSeconds);
}
