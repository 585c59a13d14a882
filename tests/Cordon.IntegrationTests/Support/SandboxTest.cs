using System.Text;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Support;

/// <summary>Base of every test that runs a real sandbox: runs it, and afterwards asserts the host is clean.</summary>
public abstract class SandboxTest : IDisposable
{
    private readonly List<string> _tempPaths = [];

    protected static ProcessSandbox Sandbox { get; } = new();

    protected static async Task<SandboxResult> RunAsync(SandboxPolicy policy, string program, params string[] args)
        => await Sandbox.RunAsync(policy, new SandboxCommand(program, args));

    protected static Task<SandboxResult> RunAsync(string program, params string[] args) => RunAsync(SandboxPolicy.Default, program, args);

    protected static Task<SandboxResult> ShAsync(string script, SandboxPolicy? policy = null) => RunAsync(policy ?? SandboxPolicy.Default, "/bin/sh", "-c", script);

    protected static Task<SandboxResult> PythonAsync(string code, SandboxPolicy? policy = null) => RunAsync(policy ?? SandboxPolicy.Default, "python3", "-c", code);

    protected static string Stdout(SandboxResult r) => Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span);

    protected static string Stderr(SandboxResult r) => Encoding.UTF8.GetString(r.StandardError.Bytes.Span);

    /// <summary>A host directory outside any sandbox, removed after the test; world-accessible so a dropped host uid can use it when granted.</summary>
    protected string HostTempDirectory(bool worldWritable = false)
    {
        string dir = Directory.CreateTempSubdirectory("cordon-test-").FullName;
        File.SetUnixFileMode(dir, worldWritable
            ? (UnixFileMode)0b111_111_111
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        _tempPaths.Add(dir);
        return dir;
    }

    protected static void AssertExited(SandboxResult r, int code = 0)
    {
        Assert.True(r.Outcome == SandboxOutcome.Exited && r.ExitCode == code,
            $"expected exited {code}, got {r.Outcome} exit={r.ExitCode} signal={r.Signal} detail={r.Detail}\nstdout: {Stdout(r)}\nstderr: {Stderr(r)}");
    }

    public void Dispose()
    {
        HostState.AssertNoSandboxLeft();
        foreach (string path in _tempPaths)
        {
            try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        GC.SuppressFinalize(this);
    }
}
