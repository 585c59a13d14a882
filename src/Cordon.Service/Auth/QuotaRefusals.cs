using Cordon.Service.Api;

namespace Cordon.Service.Auth;

/// <summary>The answers past a quota, the same wherever the quota is counted: a 429 with the seconds until a run frees up, or a 503 when the count cannot be read.</summary>
internal static class QuotaRefusals
{
    public static ProblemException Concurrent(ApiKey key, int active)
        => new(429, "quota-concurrent", "Too many runs at once",
            $"tenant '{key.Tenant}' has {active} runs queued or running, its limit; retry when one finishes") { RetryAfterSeconds = 1 };

    public static ProblemException Rate(ApiKey key, int started, TimeSpan untilFree)
        => new(429, "quota-rate", "Too many runs this minute",
            $"tenant '{key.Tenant}' started {started} runs in the last minute, its limit of {key.RunsPerMinute}") { RetryAfterSeconds = Seconds(untilFree) };

    public static ProblemException Cpu(ApiKey key, double used, TimeSpan untilFree)
        => new(429, "quota-cpu", "CPU quota used up",
            $"tenant '{key.Tenant}' used {used:0.0} CPU seconds in the last hour, its quota of {key.CpuSecondsPerHour}") { RetryAfterSeconds = Seconds(untilFree) };

    /// <summary>The shared count could not be read or written: no run is admitted without it (never counted per node instead).</summary>
    public static ProblemException Unavailable(Uri store, string why)
        => new(503, "quota-unavailable", "The quota count cannot be reached",
            $"the tenants' quotas are counted on {store} and {why}; no run is admitted without them; retry shortly") { RetryAfterSeconds = 5 };

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
