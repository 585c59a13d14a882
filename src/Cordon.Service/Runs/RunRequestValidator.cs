using System.Collections.Immutable;
using System.Text;
using Cordon.PolicyFiles.Profiles;
using Cordon.Service.Api;
using Cordon.Service.Runtimes;
using Cordon.Units;

namespace Cordon.Service.Runs;

/// <summary>
/// Turns a request into a <see cref="RunPlan"/> or one precise <see cref="ProblemException"/>: every size, path and
/// limit is checked here, before any directory or sandbox exists.
/// </summary>
internal sealed class RunRequestValidator(RuntimeCatalog catalog, ServiceCeilings ceilings)
{
    public RunPlan Validate(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ServiceRuntime? runtime = null;
        if (request.Runtime is { } name)
        {
            runtime = catalog.Find(name) ?? throw ProblemException.Invalid(
                $"runtime '{name}' is not offered here; GET /v1/runtimes lists them ({string.Join(", ", catalog.All.Select(r => r.Name))})", "runtime");
        }

        string tier = Tier(runtime, request.Tier);

        ImmutableArray<string> argv = request.Argv ?? [];
        if (argv.Length > ceilings.MaxArguments) throw ProblemException.TooLarge($"argv has {argv.Length} arguments; at most {ceilings.MaxArguments}", "argv");
        for (int i = 0; i < argv.Length; i++)
        {
            if (argv[i] is null) throw ProblemException.Malformed("an argument is null; every argument is a string", $"argv[{i}]");
            if (argv[i].Length > ceilings.MaxArgumentChars) throw ProblemException.TooLarge($"argument {i} has {argv[i].Length} characters; at most {ceilings.MaxArgumentChars}", $"argv[{i}]");
            if (argv[i].Contains('\0', StringComparison.Ordinal)) throw ProblemException.Invalid($"argument {i} contains a NUL character, which no program can receive", $"argv[{i}]");
        }

        ImmutableArray<PlannedFile> files = Files(request.Files ?? []);
        string entry = "";
        if (runtime is null)
        {
            if (argv.IsEmpty) throw ProblemException.Invalid("name a runtime (GET /v1/runtimes), or give argv: the command to run on the process tier", "runtime");
        }
        else if (runtime.Compile is null)
        {
            if (files.IsEmpty) throw ProblemException.Invalid($"runtime '{runtime.Name}' needs at least one file to run (files: [{{\"path\": \"{runtime.DefaultEntry}\", \"content\": \"...\"}}])", "files");
            entry = request.Entry ?? files[0].Path;
            if (!files.Any(f => f.Path == entry)) throw ProblemException.Invalid($"entry '{entry}' is not one of the uploaded files", "entry");
        }
        else if (!files.Any(f => runtime.Compile.SourceExtensions.Any(e => f.Path.EndsWith(e, StringComparison.Ordinal))))
        {
            throw ProblemException.Invalid($"runtime '{runtime.Name}' compiles files ending in {string.Join(" or ", runtime.Compile.SourceExtensions)}; none was uploaded", "files");
        }

        ReadOnlyMemory<byte>? stdin = null;
        if (request.Stdin is { } text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > ceilings.MaxStdinBytes) throw ProblemException.TooLarge($"stdin has {bytes.Length} bytes; at most {ByteSize.Format(ceilings.MaxStdinBytes)}", "stdin");
            if (!catalog.HostTiers.Contains(tier) && bytes.Length > 0) throw ProblemException.Invalid($"the {tier} tier takes no stdin; leave stdin out", "stdin");
            stdin = bytes;
        }

        LimitsRequest limits = request.Limits ?? new LimitsRequest();
        RunBudget run = Budget(runtime?.Profile ?? (runtime is null ? "shell" : null), limits.TimeMs, limits.CpuMs, limits.MemoryBytes, limits.Pids, limits.OutputBytes, "limits.");
        RunBudget? compile = runtime?.Compile is null ? null
            : Budget("gcc", limits.CompileTimeMs, limits.CompileCpuMs, limits.CompileMemoryBytes, null, null, "limits.compile");
        return new RunPlan(runtime, tier, files, entry, argv, stdin, run, compile, Network(request.NetworkAllow ?? [], tier));
    }

    /// <summary>The request's destinations, each parsed and within a rule of the server's ceiling (none there: none allowed).</summary>
    private ImmutableArray<Policy.NetworkDestination> Network(ImmutableArray<string> asked, string tier)
    {
        if (asked.IsEmpty) return [];
        if (ceilings.NetworkAllow.IsEmpty)
            throw ProblemException.Invalid("this server gives runs no network; leave networkAllow out (an operator allows destinations with [ceilings] network_allow)", "networkAllow");
        if (tier != "process") throw ProblemException.Invalid($"the {tier} tier cannot enforce a network allowlist; networkAllow needs the process tier", "networkAllow");
        var rules = ImmutableArray.CreateBuilder<Policy.NetworkDestination>();
        for (int i = 0; i < asked.Length; i++)
        {
            string field = $"networkAllow[{i}]";
            if (!Policy.NetworkDestination.TryParse(asked[i], out Policy.NetworkDestination? rule, out string problem)) throw ProblemException.Invalid(problem, field);
            if (!ceilings.NetworkAllow.Any(c => NetworkCeiling.Covers(c, rule!)))
                throw ProblemException.Invalid($"'{rule}' is not within this server's network ceiling ({string.Join(", ", ceilings.NetworkAllow)}); ask only for those destinations or part of one", field);
            rules.Add(rule!);
        }

        return rules.ToImmutable();
    }

    /// <summary>
    /// The tier a request runs on: the runtime's own, unless it asks for another tier of the same kind. A bare command
    /// or a runtime of the process tier (an interpreter or a compiled program: a host program under a built-in profile)
    /// runs on any tier here that runs host programs, gvisor too; js and wasm only on their own.
    /// </summary>
    private string Tier(ServiceRuntime? runtime, string? requested)
    {
        string own = runtime?.Tier ?? "process";
        if (requested is null || requested == own) return own;
        bool hostProgram = runtime is null || runtime.Profile is not null;
        if (hostProgram && catalog.HostTiers.Contains(requested)) return requested;
        string what = runtime is null ? "a bare command (argv)" : $"runtime '{runtime.Name}'";
        string choices = hostProgram ? string.Join(" or ", catalog.HostTiers) : own;
        throw ProblemException.Invalid($"tier '{requested}' cannot run {what} here; give {choices}, or leave tier out for {own} (GET /v1/health lists this host's tiers)", "tier");
    }

    private ImmutableArray<PlannedFile> Files(ImmutableArray<FileUpload> uploads)
    {
        if (uploads.Length > ceilings.MaxFiles) throw ProblemException.TooLarge($"{uploads.Length} files; at most {ceilings.MaxFiles}", "files");
        List<PlannedFile> files = [];
        for (int i = 0; i < uploads.Length; i++)
        {
            string field = $"files[{i}]";
            FileUpload upload = uploads[i] ?? throw ProblemException.Malformed("a file is null; each is {\"path\", \"content\", \"encoding\"}", field);
            string path = upload.Path ?? throw ProblemException.Invalid("the file has no path", field + ".path");
            string? problem = PathProblem(path);
            if (problem is not null) throw ProblemException.Invalid($"path '{Printable(path)}' {problem}", field + ".path");
            if (files.Any(f => f.Path == path || f.Path.StartsWith(path + "/", StringComparison.Ordinal) || path.StartsWith(f.Path + "/", StringComparison.Ordinal)))
                throw ProblemException.Invalid($"path '{path}' is uploaded twice or clashes with another file's directory", field + ".path");
            string content = upload.Content ?? throw ProblemException.Invalid("the file has no content (an empty file is \"\")", field + ".content");
            byte[] bytes;
            switch (upload.Encoding ?? "utf8")
            {
                case "utf8" or "utf-8":
                    if ((long)content.Length > ceilings.MaxFileBytes * 4) throw TooLargeFile(path, content.Length, field);
                    bytes = Encoding.UTF8.GetBytes(content);
                    break;
                case "base64":
                    try
                    {
                        bytes = Convert.FromBase64String(content);
                    }
                    catch (FormatException)
                    {
                        throw ProblemException.Invalid("the content is not valid base64", field + ".content");
                    }

                    break;
                case var other:
                    throw ProblemException.Invalid($"encoding '{Printable(other)}' is not utf8 or base64", field + ".encoding");
            }

            if (bytes.Length > ceilings.MaxFileBytes) throw TooLargeFile(path, bytes.Length, field);
            files.Add(new PlannedFile(path, bytes));
        }

        return [.. files];
    }

    private ProblemException TooLargeFile(string path, long bytes, string field)
        => ProblemException.TooLarge($"file '{path}' has {bytes} bytes; at most {ByteSize.Format(ceilings.MaxFileBytes)} per file", field + ".content");

    /// <summary>Why <paramref name="path"/> cannot name a file inside the work directory, or null.</summary>
    private string? PathProblem(string path)
    {
        if (path.Length == 0) return "is empty";
        if (path.Length > ceilings.MaxPathChars) return $"is longer than {ceilings.MaxPathChars} characters";
        if (path.StartsWith('/')) return "is absolute; paths are relative to the run's work directory";
        foreach (char c in path)
        {
            if (char.IsControl(c)) return "contains a control character";
            if (c == '\\') return "contains a backslash; separate directories with /";
        }

        string[] segments = path.Split('/');
        if (segments.Length > 8) return "is more than 8 directories deep";
        foreach (string s in segments)
        {
            if (s.Length == 0) return "has an empty segment (// or a trailing /)";
            if (s is "." or "..") return "contains . or ..; paths stay inside the work directory";
        }

        if (segments[0] == ".cordon-prog") return "is reserved for the compiled program";
        return null;
    }

    /// <summary>The budget of one step: the request's values, each at most the server's ceiling; defaults from the profile and the server.</summary>
    private RunBudget Budget(string? profile, long? timeMs, long? cpuMs, long? memory, int? pids, long? output, string prefix)
    {
        Policy.ResourceLimits? basis = profile is not null && BuiltInProfiles.TryGet(profile, out RuntimeProfile? p) ? p.Policy.Limits : null;
        TimeSpan wall = Limit(timeMs, prefix + "timeMs", ceilings.MaxWallTime, Min(basis?.WallTime, ceilings.DefaultWallTime));
        TimeSpan cpu = Limit(cpuMs, prefix + "cpuMs", ceilings.MaxCpuTime, Min(basis?.CpuTime, ceilings.DefaultCpuTime));
        long mem = Bytes(memory, prefix + "memoryBytes", ceilings.MaxMemoryBytes, Math.Min(basis?.MemoryBytes ?? long.MaxValue, ceilings.DefaultMemoryBytes), 4 * ByteSize.MiB);
        long outBytes = Bytes(output, prefix + "outputBytes", ceilings.MaxOutputBytes, Math.Min(basis?.MaxOutputBytes ?? long.MaxValue, ceilings.DefaultOutputBytes), 1);
        int? processes = basis?.MaxProcesses;
        if (pids is { } n)
        {
            if (n <= 0 || n > ceilings.MaxProcesses) throw ProblemException.Invalid($"{prefix}pids is {n}; give 1 to {ceilings.MaxProcesses}", prefix + "pids");
            processes = n;
        }

        return new RunBudget(wall, cpu, mem, processes, outBytes);
    }

    private static TimeSpan Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    private static TimeSpan Limit(long? ms, string field, TimeSpan ceiling, TimeSpan fallback)
    {
        if (ms is null) return fallback;
        if (ms <= 0 || ms > ceiling.TotalMilliseconds)
            throw ProblemException.Invalid($"{field} is {ms}; give 1 to {(long)ceiling.TotalMilliseconds} milliseconds (this server's ceiling)", field);
        return TimeSpan.FromMilliseconds(ms.Value);
    }

    private static long Bytes(long? bytes, string field, long ceiling, long fallback, long minimum)
    {
        if (bytes is null) return fallback;
        if (bytes < minimum || bytes > ceiling)
            throw ProblemException.Invalid($"{field} is {bytes}; give {minimum} to {ceiling} bytes ({ByteSize.Format(ceiling)}, this server's ceiling)", field);
        return bytes.Value;
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text.Length > 64 ? text[..64] : text) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
