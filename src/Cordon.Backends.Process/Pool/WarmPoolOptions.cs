namespace Cordon.Backends.Process.Pool;

/// <summary>How many pre-built sandboxes a <see cref="WarmSandboxPool"/> keeps ready, and for how long.</summary>
public sealed record WarmPoolOptions
{
    /// <summary>Largest number of idle members kept ready (each holds a run uid, a cgroup and three small processes: bwrap's monitor, the static launcher as pid 1 and its waiting child). 1 to 64.</summary>
    public int Size { get; init; } = 2;

    /// <summary>
    /// How long a member may sit unused before it is torn down. Members reaped this way are not rebuilt until a run
    /// asks for one again (that run goes cold, and the pool refills behind it).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long building one member may take before it counts as failed.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The defaults: two members, five minutes idle.</summary>
    public static WarmPoolOptions Default { get; } = new();

    internal void Validate()
    {
        if (Size is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(Size), Size, "a warm pool keeps 1 to 64 members");
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "must be positive");
        if (BuildTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BuildTimeout), BuildTimeout, "must be positive");
    }
}
