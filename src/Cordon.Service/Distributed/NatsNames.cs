namespace Cordon.Service.Distributed;

/// <summary>
/// The JetStream names the API nodes and the workers share. Runs wait on a work-queue stream, on a subject per
/// tenant (each message is taken by one worker and removed when it is acknowledged); a run's frames go to a subject
/// of its own on the events stream, so any API node can replay them from the start; a run's one result is a key in
/// the results bucket.
/// </summary>
internal static class NatsNames
{
    /// <summary>The work-queue stream of accepted runs, one message per run, on <c>cordon.runs.TENANT</c>.</summary>
    public const string RunsStream = "CORDON_RUNS";
    public const string RunsWildcard = "cordon.runs.*";

    /// <summary>
    /// The subject of <paramref name="tenant"/>'s waiting runs: a token derived from the name (a tenant may be named
    /// with characters a subject cannot hold), the same on every node.
    /// </summary>
    public static string RunsSubject(string tenant) => "cordon.runs." + TenantToken(tenant);

    /// <summary>The token of a runs subject (<c>cordon.runs.TOKEN</c>), which also names the tenant's consumer.</summary>
    public static string TokenOf(string runsSubject) => runsSubject["cordon.runs.".Length..];

    /// <summary>The durable pull consumer every worker shares for one tenant's subject: <c>cordon-workers-TOKEN</c>.</summary>
    public static string WorkersConsumer(string token) => "cordon-workers-" + token;

    /// <summary>The single consumer of every run that workers before per-tenant subjects shared; removed when found (it would overlap).</summary>
    public const string LegacyWorkersConsumer = "cordon-workers";

    /// <summary>Core NATS (not stored): an API node has just queued a run, so idle workers look now rather than at their next poll.</summary>
    public const string RunQueuedSubject = "cordon.queued";

    private static string TenantToken(string tenant)
        => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant)).AsSpan(0, 12));

    /// <summary>Frames of every run, kept for the retention time: <c>cordon.events.ID</c>.</summary>
    public const string EventsStream = "CORDON_EVENTS";
    public static string EventsSubject(string id) => "cordon.events." + id;

    /// <summary>Asks the worker running <c>ID</c> to cancel it (core NATS request; the worker replies).</summary>
    public static string CancelSubject(string id) => "cordon.cancel." + id;
    public const string CancelWildcard = "cordon.cancel.*";

    /// <summary>Accepted runs by id (the tenant and the request), so any API node can answer for any run.</summary>
    public const string RunsBucket = "cordon-runs";

    /// <summary>The one result of each run: created once, by whoever finishes it first (a worker, or a cancel of a waiting run).</summary>
    public const string ResultsBucket = "cordon-results";

    /// <summary>Workers' advertisements (tiers, runtimes, capacity), refreshed while they live and expiring when they do not.</summary>
    public const string WorkersBucket = "cordon-workers";

    /// <summary>The tenants' shared quotas: one entry per tenant (<see cref="QuotaKey"/>), changed by compare-and-set on its revision.</summary>
    public const string QuotasBucket = "cordon-quotas";

    /// <summary>The key of <paramref name="tenant"/>'s quota record: the same token as its runs subject.</summary>
    public static string QuotaKey(string tenant) => TenantToken(tenant);

    /// <summary>Headers of an events message: the frame's name and which delivery of the run produced it.</summary>
    public const string EventHeader = "Cordon-Event";
    public const string AttemptHeader = "Cordon-Attempt";
}
