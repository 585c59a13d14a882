using System.Diagnostics;

namespace Cordon.IntegrationTests.Support;

/// <summary>The cordon CLI built beside the tests, the repository it came from, and one way to run it as a real process.</summary>
internal static class CordonBinary
{
    /// <summary>The CLI's assembly, run through the dotnet host.</summary>
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "cordon.dll");

    /// <summary>The repository root (the directory with Cordon.slnx above the test binaries).</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>A test module of the Wasm tier's tests.</summary>
    public static string WasmModule(string name) => Path.Combine(Repository, "tests", "Cordon.Backends.Wasm.Tests", "Modules", name);

    /// <summary>A test script of the JS tier's tests.</summary>
    public static string JsScript(string name) => Path.Combine(Repository, "tests", "Cordon.Backends.JavaScript.Tests", "Scripts", name);

    /// <summary>Runs <c>cordon ARGS</c> with stdin closed; returns the exit code, stdout's exact bytes and stderr.</summary>
    public static async Task<(int Code, byte[] Stdout, string Stderr)> RunAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    private static string FindRepository()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Cordon.slnx"))) return dir;
        }

        throw new InvalidOperationException("the repository root (Cordon.slnx) is not above " + AppContext.BaseDirectory);
    }
}
