using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Cordon.Policy;

namespace Cordon.Mcp.Tools;

/// <summary>
/// One <c>run</c> or <c>session_run</c> call, read and checked before anything starts: which tier, what to execute,
/// its files, stdin and limits (each at most the server's ceiling).
/// </summary>
internal sealed record RunRequest(
    string Tier,
    string? Code,
    string? CodeFile,
    ImmutableArray<string> Argv,
    ImmutableArray<KeyValuePair<string, string>> Files,
    byte[]? Stdin,
    SandboxPolicyBuilder Policy)
{
    /// <summary>The tier's own budgets the call asked for (<c>limits.fuel</c>, <c>limits.statements</c>).</summary>
    public Cordon.Tiers.TierSettings Settings { get; init; } = Cordon.Tiers.TierSettings.None;

    public static readonly FrozenSet<string> RunFields = FrozenSet.Create(StringComparer.Ordinal, "runtime", "tier", "code", "argv", "files", "stdin", "limits");
    public static readonly FrozenSet<string> SessionRunFields = FrozenSet.Create(StringComparer.Ordinal, "session_id", "runtime", "tier", "code", "argv", "files", "stdin", "limits");

    /// <summary>The runtimes a call may name, each a tier and how the code reaches it.</summary>
    public static readonly ImmutableArray<string> Runtimes = ["python", "shell", "node", "js", "wasm"];

    public static RunRequest Read(ToolArguments args, ServerConfiguration configuration)
    {
        string? runtime = args.Choice("runtime", [.. Runtimes]);
        string? tier = args.Choice("tier", "process", "gvisor", "wasm", "js");
        if (runtime is not null && tier is not null) throw args.Invalid("tier", "give runtime or tier, not both");
        if (runtime is null && tier is null) throw args.Invalid("runtime", $"is required (one of {string.Join(", ", Runtimes)}), or give tier (process, gvisor, wasm, js) with argv");

        string? code = args.String("code");
        ImmutableArray<string>? argv = args.StringArray("argv", 256);
        if (code is not null && code.Length > configuration.MaxCodeChars) throw args.Invalid("code", $"has {code.Length} characters; at most {configuration.MaxCodeChars}");
        if (runtime is not null && code is null) throw args.Invalid("code", $"is required with runtime {runtime} (the source to run)");
        if (tier is not null && code is null == argv is null) throw args.Invalid(code is null ? "argv" : "code", "with tier, give exactly one of code (source) or argv (a program and its arguments)");
        if (argv is { IsEmpty: true }) throw args.Invalid("argv", "must name a program, e.g. [\"python3\", \"main.py\"]");

        ImmutableArray<KeyValuePair<string, string>> files = args.StringMap("files", 64) ?? [];
        foreach (KeyValuePair<string, string> file in files)
        {
            if (Encoding.UTF8.GetByteCount(file.Value) > configuration.MaxFileBytes)
                throw args.Invalid($"files.{file.Key}", $"is larger than {Units.ByteSize.Format(configuration.MaxFileBytes)}; write big or binary files with a session's write_file");
        }

        byte[]? stdin = args.String("stdin") is { } text ? Encoding.UTF8.GetBytes(text) : null;
        if (stdin is not null && stdin.Length > configuration.MaxFileBytes) throw args.Invalid("stdin", $"is larger than {Units.ByteSize.Format(configuration.MaxFileBytes)}");

        SandboxPolicyBuilder policy = new(configuration.Ceiling);
        // The reply carries the output; unless the call asks for more (up to the ceiling), keep it to what fits an agent's context.
        if (configuration.Ceiling.Limits.MaxOutputBytes is not { } most || most > configuration.DefaultOutputBytes) policy.WithMaxOutput(configuration.DefaultOutputBytes);
        ToolArguments? limits = args.Object("limits", CallLimits.Fields);
        CallLimits.Apply(limits, configuration.Ceiling, policy);

        ImmutableArray<string> extra = argv ?? [];
        RunRequest request = (runtime ?? tier) switch
        {
            "python" => new("process", null, null, ["python3", "-c", code!, .. extra], files, stdin, policy),
            "shell" => new("process", null, null, ["/bin/sh", "-c", code!, "sh", .. extra], files, stdin, policy),
            "node" => new("process", null, null, ["node", "-e", code!, .. extra], files, stdin, policy),
            "process" or "gvisor" when code is not null => new(tier!, null, null, ["/bin/sh", "-c", code, "sh"], files, stdin, policy),
            "process" or "gvisor" => new(tier!, null, null, argv!.Value, files, stdin, policy),
            "js" => new("js", code, code is null ? argv!.Value[0] : "main.js", code is null ? argv!.Value[1..] : extra, files, stdin, policy),
            _ => new("wasm", code, code is null ? argv!.Value[0] : "main.wat", code is null ? argv!.Value[1..] : extra, files, stdin, policy),
        };
        return request with { Settings = CallLimits.TierBudgets(limits, request.Tier) };
    }
}
