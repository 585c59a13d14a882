using System.Net;
using System.Reflection;
using Cordon.Backends.Wasm;
using Cordon.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cordon.Playground;

/// <summary>
/// The playground's web app, bound to loopback only. It runs code that anyone who can reach it posts, so it refuses
/// every request whose Host is not its own loopback address (DNS rebinding) and every run posted from another origin.
/// </summary>
public sealed class PlaygroundServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WasmSandboxBackend? _wasm;

    private PlaygroundServer(WebApplication app, WasmSandboxBackend? wasm)
    {
        _app = app;
        _wasm = wasm;
    }

    /// <summary>The address the playground listens on, e.g. <c>http://127.0.0.1:8787/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts the playground on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public static async Task<PlaygroundServer> StartAsync(int port, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PlaygroundJson.Default));
        WebApplication app = builder.Build();

        WasmSandboxBackend? wasm = null;
        try
        {
            wasm = new WasmSandboxBackend();
        }
        catch (BackendUnavailableException)
        {
            // No Wasmtime on this host: the page shows the tier as unavailable.
        }

        var server = new PlaygroundServer(app, wasm);
        TiersView tiers = await TierAvailability.ProbeAsync(cancellationToken);
        var runs = new PlaygroundRuns(tiers.Tiers.Any(t => t.Name == "wasm" && t.Available) ? wasm : null);

        app.Use(async (context, next) =>
        {
            if (!server.IsOwnHost(context.Request.Host))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await context.Response.WriteAsync("cordon playground: wrong Host (only 127.0.0.1 and localhost at this port)");
                return;
            }

            // Deliberately cross-origin demo pages may be read by nobody but their own origin.
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            await next(context);
        });

        app.MapGet("/", () => Results.Redirect("/playground/"));
        app.MapGet("/api/tiers", () => Results.Json(tiers, PlaygroundJson.Default.TiersView));
        app.MapPost("/api/run", async context =>
        {
            string? origin = context.Request.Headers.Origin;
            if (origin is null || !server.IsOwnOrigin(origin))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("cordon playground: runs are accepted from the playground's own pages only");
                return;
            }

            await runs.RunAsync(context);
        });
        app.MapGet("/playground/{file?}", (string? file) => Asset("site", file ?? "index.html"));
        app.MapGet("/walls/{file?}", (string? file) => Asset("walls", file ?? "index.html"));

        await app.StartAsync(cancellationToken);
        string bound = app.Urls.First();
        server.Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        return server;
    }

    /// <summary>Waits until <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _wasm?.Dispose();
    }

    private bool IsOwnHost(HostString host)
        => host.Port == Address.Port && host.Host is "127.0.0.1" or "localhost";

    private bool IsOwnOrigin(string origin)
        => origin == $"http://127.0.0.1:{Address.Port}" || origin == $"http://localhost:{Address.Port}";

    private static IResult Asset(string folder, string file)
    {
        if (file.Contains('/', StringComparison.Ordinal) || file.Contains("..", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"{folder}/{file}");
        if (stream is null)
        {
            return Results.NotFound();
        }

        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "text/plain; charset=utf-8",
        };
        return Results.Stream(stream, type);
    }
}
