using System.Collections.Immutable;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Service;

/// <summary>
/// The bounds no request can exceed, whatever its key: sizes of the request itself and the largest budget a run may
/// ask for. A request past one gets a 422 naming the bound (it is never silently clamped).
/// </summary>
internal sealed record ServiceCeilings
{
    public long MaxRequestBytes { get; init; } = 4 * ByteSize.MiB;
    public int MaxFiles { get; init; } = 32;
    public long MaxFileBytes { get; init; } = 1 * ByteSize.MiB;
    public int MaxPathChars { get; init; } = 128;
    public int MaxArguments { get; init; } = 64;
    public int MaxArgumentChars { get; init; } = 4096;
    public long MaxStdinBytes { get; init; } = 1 * ByteSize.MiB;
    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxCpuTime { get; init; } = TimeSpan.FromSeconds(30);
    public long MaxMemoryBytes { get; init; } = 1 * ByteSize.GiB;
    public int MaxProcesses { get; init; } = 256;
    public long MaxOutputBytes { get; init; } = 4 * ByteSize.MiB;

    /// <summary>The budget of a run that names none (each value capped by the runtime's own profile as well).</summary>
    public TimeSpan DefaultWallTime { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan DefaultCpuTime { get; init; } = TimeSpan.FromSeconds(5);
    public long DefaultMemoryBytes { get; init; } = 256 * ByteSize.MiB;
    public long DefaultOutputBytes { get; init; } = 1 * ByteSize.MiB;

    /// <summary>Runs at once (the rest wait in the fair queue) and runs waiting at most.</summary>
    public int Concurrency { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public int QueueCapacity { get; init; } = 256;

    /// <summary>With a NATS queue: a run no worker has started this long after it was accepted ends with a setup error instead.</summary>
    public TimeSpan QueueDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The destinations a request may ask to reach (<c>networkAllow</c>), each rule of a request within one of these
    /// (<c>[ceilings] network_allow</c>). Empty, the default: a request that names any destination is refused, and every run
    /// has no network. A run gets only what its request names, never these by themselves.
    /// </summary>
    public ImmutableArray<NetworkDestination> NetworkAllow { get; init; } = [];

    /// <summary>How long a finished run stays readable by <c>GET /v1/runs/{id}</c>.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromMinutes(10);
}
