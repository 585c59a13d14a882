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

    private ServiceHost(WebApplication app, IRunQueue queue, TenantGate gate, Uri address)
    {
        _app = app;
        _queue = queue;
        _gate = gate;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServiceHost> StartAsync(ServeOptions options, McpEndpointOptions mcp, CancellationToken cancellationToken)
    {
        ServiceCeilings ceilings = options.Ceilings;
        TierRegistry tiers = StandardTiers.Create(ProcessBackendOptions.Default with { RunIdentities = options.RunIdentities }, WasmBackendOptions.Default);
        List<string> available = await StandardTiers.AvailableAsync(tiers, cancellationToken);
        RuntimeCatalog catalog = (await RuntimeCatalog.ProbeAsync(available, cancellationToken)).Only(options.Runtimes);
        var validator = new RunRequestValidator(catalog, ceilings);
        NatsBus? bus = options.Queue is { } url ? await NatsBus.ConnectAsync(url, $"cordon-serve-{Environment.ProcessId}", ceilings, cancellationToken) : null;
        IRunQueue queue = bus is not null
            ? new NatsRunQueue(bus, validator, ceilings)
            : new FairQueue(new RunExecutor(tiers), ceilings.Concurrency, ceilings.QueueCapacity);
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
        NativeApi.Map(app, runs, validator, gate, catalog, tiers, ceilings);
        PistonApi.Map(app, runs, validator, gate, catalog, ceilings);
        mcpEndpoint.Map(app, gate);
        if (options.Playground) Playground.PlaygroundPage.Map(app);
        app.MapFallback(Http.Handle(_ => throw new ProblemException(404, "not-found", "No such endpoint",
            "see /v1/openapi.json or docs/service.md: /v1/runs, /v1/runs/{id}, /v1/runs/{id}/events, /v1/runtimes, /v1/health, /api/v2/runtimes, /api/v2/execute, /mcp")));

        // Stopping: running runs are canceled now, so the requests waiting on them answer with a canceled result before Kestrel closes.
        IHostApplicationLifetime lifetime = app.Lifetime;
        lifetime.ApplicationStopping.Register(() => queue.CancelRunning());

        await app.StartAsync(cancellationToken);
        string bound = app.Urls.First();
        return new ServiceHost(app, queue, gate, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.CancelRunning();
        await _app.StopAsync();
        await _gate.DisposeAsync();
        await _queue.DisposeAsync();
        await _app.DisposeAsync();
    }
}
