namespace Cordon.Selftest.Judging;

/// <summary>How the harness judged one probe, from host-side evidence.</summary>
public enum ProbeVerdict
{
    /// <summary>A positive control ran as it must.</summary>
    Ok,

    /// <summary>Every hostile action failed the expected way and every host canary is intact.</summary>
    Contained,

    /// <summary>A resource limit stopped the probe, as expected (see <see cref="ProbeResult.Limit"/>).</summary>
    Limit,

    /// <summary>The limit this probe tests cannot be enforced on this host for this user (e.g. no cgroup); the reason says why.</summary>
    Degraded,

    /// <summary>Something the sandbox must stop happened: a forbidden action succeeded, a canary was touched, a limit did not hold, or something outlived the run.</summary>
    Escaped,

    /// <summary>The evidence does not settle it: the probe stopped before its checks, or its report disagrees with the host's facts.</summary>
    Inconclusive,

    /// <summary>The harness itself failed (could not set up canaries or the sandbox).</summary>
    HarnessError,
}

/// <summary>Display and counting rules for <see cref="ProbeVerdict"/>.</summary>
public static class ProbeVerdicts
{
    /// <summary>Whether the verdict counts as passed (OK, CONTAINED, LIMIT).</summary>
    public static bool IsPassed(this ProbeVerdict verdict) => verdict is ProbeVerdict.Ok or ProbeVerdict.Contained or ProbeVerdict.Limit;

    /// <summary>Whether the verdict counts as failed (ESCAPED, INCONCLUSIVE, HARNESS-ERROR). DEGRADED is neither.</summary>
    public static bool IsFailed(this ProbeVerdict verdict) => verdict is ProbeVerdict.Escaped or ProbeVerdict.Inconclusive or ProbeVerdict.HarnessError;

    /// <summary>The table word: <c>CONTAINED</c>, <c>LIMIT:pids</c>, <c>HARNESS-ERROR</c>...</summary>
    public static string Display(ProbeVerdict verdict, LimitKind? limit) => verdict switch
    {
        ProbeVerdict.Ok => "OK",
        ProbeVerdict.Contained => "CONTAINED",
        ProbeVerdict.Limit => limit is { } l ? "LIMIT:" + LimitKinds.Name(l) : "LIMIT",
        ProbeVerdict.Degraded => "DEGRADED",
        ProbeVerdict.Escaped => "ESCAPED",
        ProbeVerdict.Inconclusive => "INCONCLUSIVE",
        _ => "HARNESS-ERROR",
    };
}
