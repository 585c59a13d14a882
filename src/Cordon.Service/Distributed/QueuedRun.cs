using Cordon.Service.Runs;

namespace Cordon.Service.Distributed;

/// <summary>
/// A run on the work-queue stream (and in the runs bucket): the request exactly as the client sent it, which the
/// worker validates again against its own runtimes and ceilings, and the time after which it is no longer started.
/// </summary>
/// <param name="Id">The run's id.</param>
/// <param name="Tenant">Its tenant (lookups by other tenants answer 404).</param>
/// <param name="Request">The request.</param>
/// <param name="AcceptedAt">When an API node accepted it.</param>
/// <param name="Deadline">Not started after this: a worker that takes it later ends it with a setup error instead.</param>
internal sealed record QueuedRun(string Id, string Tenant, RunRequest Request, DateTimeOffset AcceptedAt, DateTimeOffset Deadline);

/// <summary>A worker's advertisement in the workers bucket.</summary>
/// <param name="Name">The worker's name (host and pid).</param>
/// <param name="Tiers">The tiers available on its host.</param>
/// <param name="Runtimes">The runtimes it runs.</param>
/// <param name="Concurrency">Runs it takes at once.</param>
/// <param name="Running">Runs it is running now.</param>
internal sealed record WorkerAdvert(string Name, string[] Tiers, string[] Runtimes, int Concurrency, int Running);

/// <summary>An SSE <c>retry</c> frame: a worker stopped mid-run and the run started again on another (<paramref name="Attempt"/> counts deliveries).</summary>
internal sealed record RetryFrame(int Attempt);
