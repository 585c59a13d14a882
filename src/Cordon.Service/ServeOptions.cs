using System.Collections.Immutable;
using System.Net;
using Cordon.Service.Auth;

namespace Cordon.Service;

/// <summary>Everything <c>cordon serve</c> and <c>cordon worker</c> are started with, from the command line (and a config file).</summary>
internal sealed record ServeOptions
{
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 2000);
    public string? KeysFile { get; init; }
    public ImmutableArray<ApiKey> Keys { get; init; } = [];
    public ServiceCeilings Ceilings { get; init; } = new();

    /// <summary>With a NATS queue (<c>nats://HOST:PORT</c>): runs go to workers instead of running here.</summary>
    public Uri? Queue { get; init; }

    /// <summary>The runtimes offered (null: every one the host has).</summary>
    public ImmutableArray<string>? Runtimes { get; init; }

    /// <summary>Serve the playground at <c>/</c> (off by default).</summary>
    public bool Playground { get; init; }

    /// <summary>The host uids runs get, one per run in flight (as root; the process tier's default range otherwise).</summary>
    public Backends.Process.Identity.HostIdentityRange RunIdentities { get; init; } = Backends.Process.Identity.HostIdentityRange.Default;

    /// <summary>The warm pools kept for process-tier runtimes (<c>[warm]</c>, <c>--warm</c>; none by default).</summary>
    public Warm.WarmSettings Warm { get; init; } = new();

    /// <summary>The worker's ack wait and attempts (<c>cordon worker</c> only).</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxAttempts { get; init; } = 3;

    /// <summary>With a NATS queue and keys: how long a run's quota slot counts after its API node last refreshed it (<c>[quotas] lease</c>).</summary>
    public TimeSpan QuotaLease { get; init; } = TimeSpan.FromSeconds(30);
}
