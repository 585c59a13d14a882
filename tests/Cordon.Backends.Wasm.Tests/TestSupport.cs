using System.Text;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Wasm.Tests;

/// <summary>Paths, policies and helpers shared by the tests.</summary>
internal static class TestSupport
{
    public static string Module(string name) => Path.Combine(AppContext.BaseDirectory, "Modules", name);

    /// <summary>The repository root (the directory holding Cordon.slnx).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static SandboxPolicy Policy(Action<SandboxPolicyBuilder>? configure = null)
    {
        var builder = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(10));
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static SandboxCommand Command(string module, params string[] arguments) => new(Module(module), arguments);

    public static string Stdout(this SandboxResult result) => Encoding.UTF8.GetString(result.StandardOutput.Bytes.Span);

    /// <summary>A message for assertion failures that shows the whole result.</summary>
    public static string Describe(this SandboxResult result)
        => $"{result.Outcome} exit={result.ExitCode} detail={result.Detail} warnings=[{string.Join(" | ", result.Warnings)}] stdout={Truncate(result.Stdout())}";

    public static void AssertOutcome(this SandboxResult result, SandboxOutcome expected)
        => Assert.True(result.Outcome == expected, $"expected {expected}, got {result.Describe()}");

    private static string Truncate(string s) => s.Length > 200 ? s[..200] + "..." : s;

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cordon.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cordon.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One default backend shared by a test class (the engine and its module cache are meant to be shared).</summary>
public sealed class DefaultBackendFixture : IDisposable
{
    public WasmSandboxBackend Backend { get; } = new(WasmBackendOptions.Default);

    public void Dispose() => Backend.Dispose();
}

/// <summary>A scratch directory deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("cordon-wasm-test-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>
/// Tests that measure time, CPU, allocations or temporary files run alone: on a 2-core machine, parallel test
/// classes would steal their CPU and pollute process-wide counters.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialMeasurements
{
    public const string Name = "serial measurements";
}
