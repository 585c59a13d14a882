using System.Text;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>Paths, policies and helpers shared by the tests.</summary>
internal static class TestSupport
{
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    /// <summary>A policy with a 10 s wall limit (tests that need a limit to fire set a smaller one).</summary>
    public static SandboxPolicy Policy(Action<SandboxPolicyBuilder>? configure = null)
    {
        var builder = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(10));
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static SandboxCommand Command(string script, params string[] arguments) => new(Script(script), arguments);

    public static string Stdout(this SandboxResult result) => Encoding.UTF8.GetString(result.StandardOutput.Bytes.Span);

    public static string Stderr(this SandboxResult result) => Encoding.UTF8.GetString(result.StandardError.Bytes.Span);

    public static string Describe(this JavaScriptRunResult run)
        => $"{run.Result.Outcome} exit={run.Result.ExitCode} limit={run.Limit} error={run.ErrorName} detail={run.Result.Detail} " +
           $"warnings=[{string.Join(" | ", run.Result.Warnings)}] denials=[{string.Join(" | ", run.Denials)}] " +
           $"stdout={Truncate(run.Result.Stdout())} stderr={Truncate(run.Result.Stderr())}";

    public static void AssertOutcome(this JavaScriptRunResult run, SandboxOutcome expected, JavaScriptLimit? limit = null)
    {
        Assert.True(run.Result.Outcome == expected && run.Limit == limit, $"expected {expected} (limit {limit}), got {run.Describe()}");
    }

    private static string Truncate(string s) => s.Length > 400 ? s[..400] + "..." : s;
}

/// <summary>One default backend shared by a test class.</summary>
public sealed class BackendFixture : IDisposable
{
    public JavaScriptSandboxBackend Backend { get; } = new(JavaScriptBackendOptions.Default);

    public void Dispose() => Backend.Dispose();
}
