using System.Collections.Immutable;
using Cordon.Contracts;
using Cordon.Service.Auth;
using Cordon.Service.Runs;
using Cordon.Service.Runtimes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cordon.Service.Api;

/// <summary>
/// Piston's <c>/api/v2</c> routes over the same runs as the native API, so Piston clients work unchanged. Any
/// <c>version</c> is accepted (<c>*</c>, a semver range, an exact one): the host has one version of each runtime and
/// the response names it.
/// </summary>
internal static class PistonApi
{
    public static void Map(WebApplication app, RunService runs, RunRequestValidator validator, TenantGate gate, RuntimeCatalog catalog, ServiceCeilings ceilings)
    {
        app.MapGet("/api/v2/runtimes", Http.Handle(async context =>
        {
            gate.Authenticate(context.Request.Headers.Authorization);
            PistonRuntime[] list = [.. catalog.All.Select(r => new PistonRuntime(r.PistonLanguage, r.Version, r.Aliases,
                r.PistonLanguage == "javascript" ? "node" : r.PistonLanguage == "c" ? "gcc" : r.PistonLanguage == "c++" ? "gcc" : null))];
            await Http.WriteAsync(context, StatusCodes.Status200OK, list, PistonJson.Default.PistonRuntimeArray);
        }));

        app.MapPost("/api/v2/execute", Http.Handle(async context =>
        {
            ApiKey key = gate.Authenticate(context.Request.Headers.Authorization);
            PistonRequest request = await Http.ReadAsync(context, PistonJson.Default.PistonRequest, ceilings.MaxRequestBytes);
            if (string.IsNullOrEmpty(request.Language)) throw ProblemException.Invalid("language is required (GET /api/v2/runtimes lists them)", "language");
            ServiceRuntime runtime = catalog.Find(request.Language)
                ?? throw ProblemException.Invalid($"{request.Language}-{request.Version ?? "*"} runtime is unknown", "language");
            RunRequest native = ToNative(request, runtime);
            RunPlan plan = validator.Validate(native);
            RunJob job = await runs.SubmitAsync(key, native, plan);
            using (context.RequestAborted.Register(job.Cancel)) await job.Finished.WaitAsync(CancellationToken.None);
            await Http.WriteAsync(context, StatusCodes.Status200OK,
                new PistonResponse(runtime.PistonLanguage, runtime.Version, job.Run is { } r ? Stage(r) : null, job.Compile is { } c ? Stage(c) : null),
                PistonJson.Default.PistonResponse);
        }));
    }

    private static RunRequest ToNative(PistonRequest request, ServiceRuntime runtime)
    {
        ImmutableArray<PistonFile> files = request.Files ?? throw ProblemException.Invalid("files is required: [{\"name\": \"main.py\", \"content\": \"...\"}]", "files");
        if (files.IsEmpty) throw ProblemException.Invalid("files must hold at least one file", "files");
        // Piston names unnamed files itself; the first is the entry.
        ImmutableArray<FileUpload> uploads = [.. files.Select((f, i) => new FileUpload(
            string.IsNullOrEmpty(f?.Name) ? (i == 0 ? runtime.DefaultEntry : $"file{i}.code") : f.Name, f?.Content, f?.Encoding switch { null or "" or "utf8" or "utf-8" => "utf8", var e => e }))];
        return new RunRequest(null, runtime.Name, request.Args ?? [], uploads, runtime.Compile is null ? uploads[0].Path : null, request.Stdin,
            new LimitsRequest(Given(request.RunTimeout), Given(request.RunCpuTime), Given(request.RunMemoryLimit), null, null,
                Given(request.CompileTimeout), Given(request.CompileCpuTime), Given(request.CompileMemoryLimit)), request.NetworkAllow);
    }

    /// <summary>Piston's "not given": absent, or -1.</summary>
    private static long? Given(long? value) => value is null or -1 ? null : value;

    private static PistonStage Stage(RunDocument d)
    {
        string? signal = d.Signal is { } s ? SignalName(s) : d.Outcome is "memory_exceeded" or "wall_time_exceeded" or "cpu_time_exceeded" ? "SIGKILL" : null;
        string? status = d.Outcome switch
        {
            "exited" when d.ExitCode == 0 => null,
            "exited" or "exec_failed" or "process_limit_exceeded" or "disk_exceeded" => "RE",
            "signaled" or "syscall_denied" or "memory_exceeded" => "SG",
            "wall_time_exceeded" or "cpu_time_exceeded" => "TO",
            "output_exceeded" => d.StderrTruncated && !d.StdoutTruncated ? "EL" : "OL",
            _ => "XX",
        };
        ImmutableArray<string> denials = [.. d.Violations.Select(v => v.Kind == "network"
                ? $"network {(v.Via == "dns" ? $"lookup {v.Host}" : $"{v.Via} {(v.Host is null ? "" : v.Host + " ")}{v.Address}:{v.Port}/{v.Protocol}")}: refused x{v.Count} ({v.Reason})"
                : $"{v.Kind} {v.Syscall}: refused x{v.Count} ({v.Action})"),
            .. d.Js?.Denials ?? []];
        return new PistonStage(d.Stdout, d.Stderr, d.Stdout + d.Stderr, signal is null ? d.ExitCode : null, signal,
            status is null ? null : d.Detail ?? d.Reason, status, (long)Math.Round(d.CpuTimeMs), (long)Math.Round(d.WallTimeMs), d.PeakMemoryBytes,
            d.Outcome, d.Reason, denials);
    }

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT", 7 => "SIGBUS", 8 => "SIGFPE",
        9 => "SIGKILL", 11 => "SIGSEGV", 13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM", 24 => "SIGXCPU", 25 => "SIGXFSZ", 31 => "SIGSYS",
        _ => $"SIG{signal}",
    };
}
