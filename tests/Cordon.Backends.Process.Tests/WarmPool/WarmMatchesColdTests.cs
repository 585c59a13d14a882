using Cordon.Backends.Process.Pool;
using Cordon.Contracts;
using Cordon.Events;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

/// <summary>A warm run gives the result document and the events a cold run of the same policy and command gives.</summary>
public class WarmMatchesColdTests
{
    private const long MiB = 1024 * 1024;

    public static TheoryData<string> Scenarios => ["exit-code", "stdin-env-cwd", "exec-failed", "violation", "violation-kill", "wall-time", "cpu-time", "memory", "pids", "output-cap", "output-kill"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_warm_run_gives_the_document_a_cold_run_gives(string scenario)
    {
        (SandboxPolicy policy, SandboxCommand command, bool exactOutput) = Scenario(scenario);
        var sandbox = new ProcessSandbox();
        using WarmSandboxPool pool = WarmPools.Filled(policy, sandbox: sandbox);

        List<SandboxEvent> warmEvents = [];
        SandboxResult warm = await pool.RunAsync(policy, command with { OnEvent = warmEvents.Add });
        Assert.Equal(1, pool.Statistics.WarmRuns);
        List<SandboxEvent> coldEvents = [];
        SandboxResult cold = await sandbox.RunAsync(policy, command with { OnEvent = coldEvents.Add });

        Assert.Equal(Expected(scenario), warm.Outcome);
        if (scenario.StartsWith("violation", StringComparison.Ordinal)) Assert.Equal("ptrace", Assert.Single(warm.Violations).Syscall);
        Assert.Equal(Comparable(cold, exactOutput), Comparable(warm, exactOutput));
        Assert.Equal(Kinds(coldEvents), Kinds(warmEvents));
    }

    private static (SandboxPolicy, SandboxCommand, bool ExactOutput) Scenario(string name) => name switch
    {
        "exit-code" => (SandboxPolicy.Default, new SandboxCommand("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"]), true),
        "stdin-env-cwd" => (new SandboxPolicyBuilder().SetEnvironment("PATH", "/bin").SetEnvironment("ZED", "z").Build(),
            new SandboxCommand("/bin/sh", ["-c", "cat; env | sort; pwd; ls /proc/self/fd | tr '\\n' ' '"]) { StandardInput = "in\n"u8.ToArray(), WorkingDirectory = "/tmp" }, true),
        "exec-failed" => (SandboxPolicy.Default, new SandboxCommand("no-such-program"), true),
        "violation" => (SandboxPolicy.Default, Python("import ctypes; print('before', flush=True); ctypes.CDLL(None).syscall(101, 0, 0, 0, 0); print('after')"), true),
        "violation-kill" => (new SandboxPolicyBuilder().WithViolationAction(ViolationAction.Kill).Build(), Python("import ctypes; ctypes.CDLL(None).syscall(101, 0, 0, 0, 0)"), true),
        "wall-time" => (new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMilliseconds(500)).Build(), new SandboxCommand("/bin/sleep", ["30"]), true),
        "cpu-time" => (new SandboxPolicyBuilder().WithCpuTime(TimeSpan.FromMilliseconds(300)).WithWallTime(TimeSpan.FromSeconds(30)).Build(),
            new SandboxCommand("/bin/sh", ["-c", "while :; do :; done"]), true),
        "memory" => (new SandboxPolicyBuilder().WithMemory(64 * MiB).Build(), Python("chunks = []\nwhile True: chunks.append(bytearray(16 * 1024 * 1024))"), false),
        "pids" => (new SandboxPolicyBuilder().WithMaxProcesses(8).WithWallTime(TimeSpan.FromSeconds(20)).Build(),
            new SandboxCommand("/bin/sh", ["-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; wait"]), false),
        "output-cap" => (new SandboxPolicyBuilder().WithMaxOutput(1000).Build(), new SandboxCommand("/bin/sh", ["-c", "head -c 100000 /dev/zero | tr '\\0' x"]), true),
        "output-kill" => (new SandboxPolicyBuilder().WithMaxOutput(1000).WithOutputAction(OutputAction.Kill).Build(), new SandboxCommand("/bin/sh", ["-c", "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxx; done"]), false),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static SandboxOutcome Expected(string name) => name switch
    {
        "exec-failed" => SandboxOutcome.ExecFailed,
        "violation-kill" => SandboxOutcome.SyscallDenied,
        "wall-time" => SandboxOutcome.WallTimeExceeded,
        "cpu-time" => SandboxOutcome.CpuTimeExceeded,
        "memory" => SandboxOutcome.MemoryExceeded,
        "pids" => SandboxOutcome.ProcessLimitExceeded,
        "output-kill" => SandboxOutcome.OutputExceeded,
        _ => SandboxOutcome.Exited,
    };

    private static SandboxCommand Python(string code) => new("/usr/bin/python3", ["-c", code]);

    /// <summary>The document as JSON without what differs between any two runs (id, times, peaks), and without output where it races a kill.</summary>
    private static string Comparable(SandboxResult result, bool exactOutput)
    {
        RunDocument d = RunDocuments.From(result) with
        {
            RunId = "",
            WallTimeMs = 0,
            CpuTimeMs = 0,
            CpuUserMs = 0,
            CpuSystemMs = 0,
            PeakMemoryBytes = null,
            PeakProcesses = null,
        };
        if (!exactOutput) d = d with { Stdout = "", StdoutBytes = 0, Stderr = "", StderrBytes = 0, StdoutBase64 = null, StderrBase64 = null };
        return System.Text.Encoding.UTF8.GetString(RunDocuments.ToUtf8(d));
    }

    /// <summary>The events as kinds, with output chunks merged (their cuts depend on scheduling) and limits and violations named.</summary>
    private static List<string> Kinds(List<SandboxEvent> events)
    {
        List<string> kinds = [];
        foreach (SandboxEvent e in events)
        {
            string kind = e switch
            {
                RunStarted => "started",
                OutputReceived => "output",
                ViolationObserved v => $"violation {v.Syscall} {v.Action}",
                LimitReached l => $"limit {l.Limit}",
                RunFinished => "finished",
                _ => e.GetType().Name,
            };
            if (kind == "output" && kinds.Count > 0 && kinds[^1] == "output") continue;
            kinds.Add(kind);
        }

        return kinds;
    }
}
