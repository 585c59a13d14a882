using System.Net;
using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Service.Distributed;
using Cordon.Service.Api;
using Cordon.Service.Auth;
using Cordon.Service.Mcp;
using Cordon.Service.Queue;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;
using Cordon.Service.Warm;
using Cordon.Tiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cordon.Service;

/// <summary>The running service: the web app, the queue, and an orderly stop (queued runs canceled, running ones ended with a result).</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IRunQueue _queue;
    private readonly TenantGate _gate;
    private readonly WarmPools _warm;

    private ServiceHost(WebApplication app, IRunQueue queue, TenantGate gate, WarmPools warm, Uri address)
    {
        _app = app;
        _queue = queue;
        _gate = gate;
        _warm = warm;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServiceHost> StartAsync(ServeOptions options, McpEndpointOptions mcp, Action<string> say, CancellationToken cancellationToken)
    {
        ServiceCeilings ceilings = options.Ceilings;
        ProcessBackendOptions process = ProcessBackendOptions.Default with { RunIdentities = options.RunIdentities };
        TierRegistry tiers = StandardTiers.Create(process, WasmBackendOptions.Default);
        List<string> available = await StandardTiers.AvailableAsync(tiers, cancellationToken);
        RuntimeCatalog catalog = (await RuntimeCatalog.ProbeAsync(available, cancellationToken)).Only(options.Runtimes);
        var validator = new RunRequestValidator(catalog, ceilings);
        // Runs happen here only without a queue: an API node of a NATS queue keeps no pools (its workers do).
        WarmPools warm = options.Queue is null && available.Contains("process")
            ? WarmPools.Create(options.Warm, catalog, validator, process, line => say($"cordon serve: {line}"))
            : WarmPools.None;
        NatsBus? bus;
        IRunQueue queue;
        try
        {
            bus = options.Queue is { } url ? await NatsBus.ConnectAsync(url, $"cordon-serve-{Environment.ProcessId}", ceilings, cancellationToken) : null;
            queue = bus is not null
                ? new NatsRunQueue(bus, validator, ceilings)
                : new FairQueue(new RunExecutor(tiers, warm), ceilings.Concurrency, ceilings.QueueCapacity);
        }
        catch
        {
            warm.Dispose();
            throw;
        }

        // Over NATS the quotas are counted once for every API node; the embedded queue counts them here.
        var gate = bus is not null && !options.Keys.IsDefaultOrEmpty ? new TenantGate(options.Keys, new SharedQuotas(bus, options.QuotaLease)) : new TenantGate(options.Keys);
        var runs = new RunService(queue, gate, validator, ceilings);
        IPEndPoint listen = options.Listen;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen);
            k.Limits.MaxRequestBodySize = ceilings.MaxRequestBytes * 4;
            k.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        McpEndpoint mcpEndpoint = McpEndpoint.Add(builder, mcp, options.Keys, ceilings.Concurrency);
        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await next(context);
        });
        // The endpoints. Another surface is one more Map call here.
        NativeApi.Map(app, runs, validator, gate, catalog, tiers, ceilings, warm);
        PistonApi.Map(app, runs, validator, gate, catalog, ceilings);
        mcpEndpoint.Map(app, gate);
        if (options.Playground) Playground.PlaygroundPage.Map(app);
        app.MapFallback(Http.Handle(_ => throw new ProblemException(404, "not-found", "No such endpoint",
            "see /v1/openapi.json or docs/service.md: /v1/runs, /v1/runs/{id}, /v1/runs/{id}/events, /v1/runtimes, /v1/health, /api/v2/runtimes, /api/v2/execute, /mcp")));

        // Stopping: running runs are canceled now, so the requests waiting on them answer with a canceled result before Kestrel closes.
        IHostApplicationLifetime lifetime = app.Lifetime;
        lifetime.ApplicationStopping.Register(() => queue.CancelRunning());

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await queue.DisposeAsync();
            warm.Dispose();
            throw;
        }

        string bound = app.Urls.First();
        return new ServiceHost(app, queue, gate, warm, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.CancelRunning();
        await _app.StopAsync();
        await _gate.DisposeAsync();
        await _queue.DisposeAsync();
        // After the queue: no run is left to take a member; idle and leased ones are torn down, directories removed.
        _warm.Dispose();
        await _app.DisposeAsync();
    }
}
