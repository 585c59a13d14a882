using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Cordon.Backends.JavaScript;
using Cordon.Backends.Process;
using Cordon.Backends.Wasm;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.PolicyFiles.Audit;
using Cordon.Units;
using Microsoft.AspNetCore.Http;

namespace Cordon.Playground;

/// <summary>
/// <c>POST /api/run</c>: runs the posted source in one tier under a small policy and streams Server-Sent Events: each
/// chunk of output as it arrives (<c>output</c>), then the verdict, the denials and the audit of the policy (<c>result</c>).
/// </summary>
internal sealed class PlaygroundRuns(WasmSandboxBackend? wasm)
{
    /// <summary>The playground's budget when the page names none: small, since anyone at the keyboard can run anything.</summary>
    private static readonly TimeSpan DefaultTime = TimeSpan.FromSeconds(5);
    private const long DefaultMemory = 128 * ByteSize.MiB;
    private const long OutputCap = 64 * ByteSize.KiB;
    private const int MaxSourceChars = 256 * 1024;

    internal async Task RunAsync(HttpContext context)
    {
        RunRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, PlaygroundJson.Default.RunRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await Reject(context, $"the request is not a run: {e.Message}");
            return;
        }

        if (request is null || request.Source is null || request.Source.Length > MaxSourceChars)
        {
            await Reject(context, $"post {{\"tier\": \"js\", \"source\": \"...\"}} with at most {MaxSourceChars} characters of source");
            return;
        }

        if (!TryBuildPolicy(request, out SandboxPolicy? policy, out string flags, out string problem))
        {
            await Reject(context, problem);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var events = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        OutputObserver observer = (stream, chunk) => events.Writer.TryWrite(Event("output", JsonSerializer.Serialize(
            new OutputEvent(stream == OutputStream.StandardOutput ? "stdout" : "stderr", Encoding.UTF8.GetString(chunk)), PlaygroundJson.Default.OutputEvent)));

        Task<string> run = Task.Run(async () =>
        {
            try
            {
                ResultEvent result = await Execute(request, policy!, flags, observer, context.RequestAborted);
                return Event("result", JsonSerializer.Serialize(result, PlaygroundJson.Default.ResultEvent));
            }
            catch (Exception e) when (e is CordonException or ArgumentException or IOException)
            {
                return Event("error", JsonSerializer.Serialize(new ErrorEvent(e.Message), PlaygroundJson.Default.ErrorEvent));
            }
            finally
            {
                events.Writer.TryComplete();
            }
        });

        await foreach (string e in events.Reader.ReadAllAsync(context.RequestAborted))
        {
            await context.Response.WriteAsync(e, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        await context.Response.WriteAsync(await run, context.RequestAborted);
    }

    private async Task<ResultEvent> Execute(RunRequest request, SandboxPolicy policy, string flags, OutputObserver observer, CancellationToken cancellationToken)
    {
        ImmutableArray<string> arguments = request.Arguments ?? [];
        switch (request.Tier)
        {
            case "js":
            {
                using var backend = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithMaxConcurrentRuns(1).WithMaxStatements(request.Statements));
                JavaScriptRunResult run = await backend.RunSourceAsync(policy, request.Source, new SandboxCommand("playground.js", arguments) { OnOutput = observer }, cancellationToken);
                return Result("js", run.Result, run.Limit is { } limit ? Backends.JavaScript.Tier.JavaScriptTier.LimitName(limit) : null, run.ErrorName, run.Denials,
                    View(PolicyAudit.AuditJavaScriptTier(policy, contained: false), $"cordon audit POLICY --tier js   # POLICY: {flags}"));
            }

            case "wasm" when wasm is not null:
            {
                string directory = Directory.CreateTempSubdirectory("cordon-playground-").FullName;
                try
                {
                    string module = Path.Combine(directory, "playground.wat");
                    await File.WriteAllTextAsync(module, request.Source, cancellationToken);
                    WasmRunResult run = await wasm.RunWasmAsync(policy, new SandboxCommand(module, arguments) { OnOutput = observer }, cancellationToken);
                    return Result("wasm", run.Result, null, run.TrapCode, [], View(PolicyAudit.Audit(policy), $"cordon audit POLICY   # POLICY: {flags}"));
                }
                finally
                {
                    Directory.Delete(directory, recursive: true);
                }
            }

            case "process":
            {
                SandboxResult run = await new ProcessSandbox().RunAsync(policy, new SandboxCommand("/bin/sh", ["-c", request.Source, "playground", .. arguments]) { OnOutput = observer }, cancellationToken);
                ImmutableArray<string> denials = [.. run.Violations.Select(v => $"syscall {v.Syscall}: refused ×{v.Count} ({v.Action})")];
                return Result("process", run, null, null, denials, View(PolicyAudit.Audit(policy), $"cordon audit POLICY   # POLICY: {flags}"));
            }

            default:
                throw new ArgumentException($"'{request.Tier}' is not a tier this playground has; use js, wasm or process");
        }
    }

    private static ResultEvent Result(string tier, SandboxResult r, string? limit, string? errorName, ImmutableArray<string> denials, AuditView audit)
        => new(tier, Contracts.WireNames.Outcome(r.Outcome), r.ExitCode, r.Detail, limit, errorName, denials, r.Warnings, Math.Round(r.WallTime.TotalMilliseconds, 1),
            r.StandardOutput.TotalBytes, r.StandardError.TotalBytes, r.StandardOutput.Truncated, r.StandardError.Truncated,
            Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span), Encoding.UTF8.GetString(r.StandardError.Bytes.Span), audit);

    private static AuditView View(AuditReport report, string policy) => new(report.Score, report.Rating,
        [.. report.Dimensions.Select(d => new AuditDimensionView(d.Name, Math.Round(d.Exposure, 1),
            [.. d.Findings.Select(f => new AuditFindingView(f.Severity.ToString().ToLowerInvariant(), f.Title, f.Fix))]))], policy);

    private static bool TryBuildPolicy(RunRequest request, out SandboxPolicy? policy, out string flags, out string problem)
    {
        policy = null;
        flags = "";
        TimeSpan time = DefaultTime;
        long memory = DefaultMemory;
        if (request.Time is { Length: > 0 } t && !DurationText.TryParse(t, out time, out problem)) return false;
        if (request.Memory is { Length: > 0 } m && !ByteSize.TryParse(m, out memory, out problem)) return false;
        if (time > TimeSpan.FromMinutes(1) || memory > 1024 * ByteSize.MiB)
        {
            problem = "the playground allows at most --time 1m and --memory 1G";
            return false;
        }

        if (request.Statements is <= 0)
        {
            problem = "statements must be a positive number";
            return false;
        }

        policy = new SandboxPolicyBuilder().WithWallTime(time).WithCpuTime(time).WithMemory(memory).WithMaxOutput(OutputCap).Build();
        flags = $"--time {DurationText.Format(time)} --cpu {DurationText.Format(time)} --memory {ByteSize.Format(memory)} --output {ByteSize.Format(OutputCap)}"
            + (request.Statements is { } s ? $" --js-statements {s}" : "");
        problem = "";
        return true;
    }

    private static string Event(string name, string json) => $"event: {name}\ndata: {json}\n\n";

    private static async Task Reject(HttpContext context, string problem)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorEvent(problem), PlaygroundJson.Default.ErrorEvent));
    }
}
