using Cordon.Diagnostics;
using Cordon.Service.Auth;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;
using Cordon.Tiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cordon.Service.Api;

/// <summary>The versioned native API under <c>/v1</c>.</summary>
internal static class NativeApi
{
    public static void Map(WebApplication app, RunService runs, RunRequestValidator validator, TenantGate gate, RuntimeCatalog catalog, TierRegistry tiers, ServiceCeilings ceilings, Warm.WarmPools warm)
    {
        app.MapPost("/v1/runs", Http.Handle(async context =>
        {
            ApiKey key = gate.Authenticate(context.Request.Headers.Authorization);
            RunRequest request = await Http.ReadAsync(context, ServiceJson.Default.RunRequest, ceilings.MaxRequestBytes);
            RunPlan plan = validator.Validate(request);
            bool wait = context.Request.Query["wait"] is { Count: > 0 } w && w[0] is "true" or "1" or "";
            RunJob job = await runs.SubmitAsync(key, request, plan);
            if (!wait)
            {
                context.Response.Headers.Location = $"/v1/runs/{job.Id}";
                await Http.WriteAsync(context, StatusCodes.Status202Accepted,
                    new RunAccepted(job.Id, job.State, $"/v1/runs/{job.Id}/events", $"/v1/runs/{job.Id}"), ServiceJson.Default.RunAccepted);
                return;
            }

            // A waiting client that goes away cancels its run: nobody is left to read the result.
            using (context.RequestAborted.Register(job.Cancel)) await job.Finished.WaitAsync(CancellationToken.None);
            await Http.WriteAsync(context, StatusCodes.Status200OK, RunView.Of(job), ServiceJson.Default.RunView);
        }));

        app.MapGet("/v1/runs/{id}", Http.Handle(async c =>
        {
            RunJob job = await runs.FindAsync(gate.Authenticate(c.Request.Headers.Authorization), (string)c.Request.RouteValues["id"]!, c.RequestAborted);
            await Http.WriteAsync(c, StatusCodes.Status200OK, RunView.Of(job), ServiceJson.Default.RunView);
        }));

        app.MapDelete("/v1/runs/{id}", Http.Handle(async c =>
        {
            RunJob job = await runs.FindAsync(gate.Authenticate(c.Request.Headers.Authorization), (string)c.Request.RouteValues["id"]!, c.RequestAborted);
            job.Cancel();
            await job.Finished.WaitAsync(c.RequestAborted);
            await Http.WriteAsync(c, StatusCodes.Status200OK, RunView.Of(job), ServiceJson.Default.RunView);
        }));

        app.MapGet("/v1/runs/{id}/events", Http.Handle(async c =>
        {
            RunJob job = await runs.FindAsync(gate.Authenticate(c.Request.Headers.Authorization), (string)c.Request.RouteValues["id"]!, c.RequestAborted);
            await StreamAsync(c, job);
        }));

        app.MapGet("/v1/runtimes", Http.Handle(async context =>
        {
            gate.Authenticate(context.Request.Headers.Authorization);
            RuntimeInfo[] list = [.. catalog.All.Select(r => new RuntimeInfo(r.Name, r.Version, r.Tier, [.. catalog.TiersOf(r)], r.Profile, r.Compile is not null, r.DefaultEntry, [.. r.Aliases]))];
            await Http.WriteAsync(context, StatusCodes.Status200OK, list, ServiceJson.Default.RuntimeInfoArray);
        }));

        app.MapGet("/v1/openapi.json", async context =>
        {
            await using Stream document = typeof(NativeApi).Assembly.GetManifestResourceStream("openapi.json")!;
            context.Response.ContentType = "application/json; charset=utf-8";
            await document.CopyToAsync(context.Response.Body, context.RequestAborted);
        });

        var healthCache = new TierHealthCache(tiers);
        app.MapGet("/v1/health", Http.Handle(async context =>
        {
            TierHealth[] health = await healthCache.GetAsync(context.RequestAborted);

            int? workers = runs.Queue is Distributed.NatsRunQueue nats ? (await nats.WorkersAsync(context.RequestAborted)).Count : null;
            bool any = health.Any(h => h.Status != "missing");
            await Http.WriteAsync(context, any ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
                new HealthReport(any ? "ok" : "unavailable", [.. health], runs.Queue.Running, runs.Queue.Queued, runs.Queue.Concurrency, runs.Queue.Capacity, workers, warm.Report()),
                ServiceJson.Default.HealthReport);
        }));
    }

    /// <summary>The run's frames as Server-Sent Events: everything so far, then each new frame as it comes, until <c>done</c>.</summary>
    private static async Task StreamAsync(HttpContext context, RunJob job)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        int sent = 0;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            (IReadOnlyList<string> frames, Task more, bool over) = job.Read(sent);
            foreach (string frame in frames) await context.Response.WriteAsync(frame, context.RequestAborted);
            sent += frames.Count;
            if (frames.Count > 0) await context.Response.Body.FlushAsync(context.RequestAborted);
            if (over && frames.Count == 0) return;
            if (frames.Count == 0)
            {
                try
                {
                    await Task.WhenAny(more, job.Finished).WaitAsync(context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
