using System.Text;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.PolicyFiles;

namespace Cordon.Workloads.Tests.Support;

/// <summary>
/// Base of every workload: a real program under a built-in profile (or the default policy) with only the grants a user
/// would give on the command line, and afterwards no process of the run left on the host.
/// </summary>
public abstract class WorkloadTest : IDisposable
{
    private readonly List<string> _tempPaths = [];

    protected static ProcessSandbox Sandbox { get; } = new();

    /// <summary>The policy <c>cordon run [--profile NAME] FLAGS</c> gives: null is the default policy.</summary>
    protected static SandboxPolicy Policy(string? profile, Func<SandboxPolicyBuilder, SandboxPolicyBuilder>? grants = null)
    {
        SandboxPolicy basis = profile is null ? SandboxPolicy.Default : PolicyFile.LoadReference(profile);
        return grants is null ? basis : grants(new SandboxPolicyBuilder(basis)).Build();
    }

    protected static Task<SandboxResult> RunAsync(SandboxPolicy policy, string program, IEnumerable<string> args, byte[]? stdin = null)
        => Sandbox.RunAsync(policy, new SandboxCommand(program, [.. args]) { StandardInput = stdin });

    protected static Task<SandboxResult> ShAsync(SandboxPolicy policy, string script) => RunAsync(policy, "/bin/sh", ["-c", script]);

    protected static string Stdout(SandboxResult r) => Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span);

    protected static string Stderr(SandboxResult r) => Encoding.UTF8.GetString(r.StandardError.Bytes.Span);

    protected static string Describe(SandboxResult r)
        => $"{r.Outcome} exit={r.ExitCode} signal={r.Signal} detail={r.Detail}\nviolations: {string.Join(", ", r.Violations.Select(v => $"{v.Syscall}x{v.Count}"))}\n"
           + $"stdout: {Tail(Stdout(r))}\nstderr: {Tail(Stderr(r))}";

    protected static void AssertExited(SandboxResult r, int code = 0)
        => Assert.True(r.Outcome == SandboxOutcome.Exited && r.ExitCode == code, $"expected exit {code}, got {Describe(r)}");

    /// <summary>A host directory for inputs (world-readable, so any guest uid can read what is handed in), removed afterwards.</summary>
    protected string HostDirectory()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-workload-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        _tempPaths.Add(dir);
        return dir;
    }

    /// <summary>A file in a fresh <see cref="HostDirectory"/>, world-readable.</summary>
    protected string HostFile(string name, byte[] contents)
    {
        string path = Path.Combine(HostDirectory(), name);
        File.WriteAllBytes(path, contents);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        return path;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];

    public void Dispose()
    {
        HostLeftovers.AssertNone();
        foreach (string path in _tempPaths)
        {
            try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        GC.SuppressFinalize(this);
    }
}
