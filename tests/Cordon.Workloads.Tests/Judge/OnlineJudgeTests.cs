using System.Text;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Judge;

/// <summary>
/// An online judge's flow, as docs/policy-reference.md describes it: compile the submission in its own sandbox
/// (<c>--profile gcc --workdir job</c>, or <c>--profile python</c> for py_compile), then run the result under a strict
/// profile with the problem's input on stdin, and read the verdict from the result alone. One submission per verdict.
/// </summary>
/// <remarks>The compiled program lands in the job directory owned by the directory's owner (<see cref="WritableGrant"/>).</remarks>
public class OnlineJudgeTests : WorkloadTest
{
    private const string Input = "21\n";
    private const string Expected = "42\n";

    private static readonly string Programs = Path.Combine(AppContext.BaseDirectory, "Judge", "Programs");

    public static TheoryData<string, string, JudgeVerdict, string> Submissions => new()
    {
        { "c", "accepted", JudgeVerdict.Accepted, "" },
        { "c", "wrong-answer", JudgeVerdict.WrongAnswer, "" },
        { "c", "time-limit", JudgeVerdict.TimeLimitExceeded, "" },
        { "c", "memory-limit", JudgeVerdict.MemoryLimitExceeded, "" },
        { "c", "segfault", JudgeVerdict.RuntimeError, "SIGSEGV" },
        { "c", "divide-by-zero", JudgeVerdict.RuntimeError, "SIGFPE" },
        { "c", "failed-assert", JudgeVerdict.RuntimeError, "SIGABRT" },
        { "c", "output-flood", JudgeVerdict.OutputLimitExceeded, "" },
        { "c", "fork-bomb", JudgeVerdict.SecurityViolation, "clone" },
        { "cpp", "accepted", JudgeVerdict.Accepted, "" },
        { "cpp", "wrong-answer", JudgeVerdict.WrongAnswer, "" },
        { "cpp", "time-limit", JudgeVerdict.TimeLimitExceeded, "" },
        { "cpp", "memory-limit", JudgeVerdict.MemoryLimitExceeded, "" },
        { "cpp", "segfault", JudgeVerdict.RuntimeError, "SIGSEGV" },
        { "cpp", "divide-by-zero", JudgeVerdict.RuntimeError, "SIGFPE" },
        { "cpp", "uncaught-exception", JudgeVerdict.RuntimeError, "SIGABRT" },
        { "cpp", "output-flood", JudgeVerdict.OutputLimitExceeded, "" },
        { "cpp", "fork-bomb", JudgeVerdict.SecurityViolation, "clone" },
        { "py", "accepted", JudgeVerdict.Accepted, "" },
        { "py", "wrong-answer", JudgeVerdict.WrongAnswer, "" },
        { "py", "time-limit", JudgeVerdict.TimeLimitExceeded, "" },
        { "py", "memory-limit", JudgeVerdict.MemoryLimitExceeded, "" },
        { "py", "segfault", JudgeVerdict.RuntimeError, "SIGSEGV" },
        { "py", "abort", JudgeVerdict.RuntimeError, "SIGABRT" },
        { "py", "uncaught-exception", JudgeVerdict.RuntimeError, "exit 1" },
        { "py", "output-flood", JudgeVerdict.OutputLimitExceeded, "" },
        { "py", "fork-bomb", JudgeVerdict.SecurityViolation, "process limit" },
    };

    [Theory]
    [MemberData(nameof(Submissions))]
    public async Task A_submission_gets_the_verdict_a_judge_would_give(string language, string name, JudgeVerdict verdict, string detail)
    {
        string job = WritableGrant.Prepare(HostDirectory());
        string source = $"main.{language}";
        File.Copy(Path.Combine(Programs, language, $"{name}.{language}"), Path.Combine(job, source));
        File.SetUnixFileMode(Path.Combine(job, source), (UnixFileMode)0b110_100_100);

        SandboxResult compiled = await CompileAsync(language, job, source);
        AssertExited(compiled);
        string artifact = Path.Combine(job, language == "py" ? Path.Combine("__pycache__", "main.cpython-311.pyc") : "prog");
        WritableGrant.AssertOwnedLikeDirectory(job, artifact);

        SandboxResult run = await RunSubmissionAsync(language, job);
        var (actual, actualDetail) = JudgeVerdicts.Of(run, Encoding.UTF8.GetString(run.StandardOutput.Bytes.Span), Expected);

        Assert.True(actual == verdict && actualDetail.Contains(detail, StringComparison.Ordinal),
            $"{language}/{name}: expected {verdict} {detail}, got {actual} {actualDetail}\n{Describe(run)}");
        CorpusTable.Record($"judge {language}: {name}", RunFlags(language), null, actual == verdict ? (1, 0) : (0, 1), $"{actual} {actualDetail}".Trim());
    }

    [Fact]
    public async Task A_dynamically_linked_submission_under_minimal_is_told_its_loader_is_missing()
    {
        // Forgetting -static is the judge user's commonest mistake; "not found" would name the wrong file.
        string job = HostDirectory();
        File.Copy(Path.Combine(Programs, "c", "accepted.c"), Path.Combine(job, "main.c"));
        HostRun.Result gcc = HostRun.Run(job, "gcc", "-O2", "-o", "prog", "main.c");
        Assert.True(gcc.ExitCode == 0, gcc.Stderr);

        SandboxResult r = await RunAsync(Policy("minimal", b => b.MountReadOnly(Path.Combine(job, "prog"), "/prog")), "/prog", [], Encoding.ASCII.GetBytes(Input));

        Assert.Equal(SandboxOutcome.ExecFailed, r.Outcome);
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("dynamically linked and its loader /lib", r.Detail, StringComparison.Ordinal);
        Assert.Contains("-static", r.Detail, StringComparison.Ordinal);
    }

    /// <summary>Compilation, in its own sandbox: the compiler sees the job directory and nothing else writable.</summary>
    private static Task<SandboxResult> CompileAsync(string language, string job, string source) => language switch
    {
        "c" => RunAsync(Policy("gcc", b => b.WithWorkDirectory(job)), "gcc", ["-O2", "-static", "-o", "prog", source]),
        "cpp" => RunAsync(Policy("gcc", b => b.WithWorkDirectory(job)), "g++", ["-O2", "-static", "-o", "prog", source]),
        _ => RunAsync(Policy("python", b => b.WithWorkDirectory(job)), "python3", ["-m", "py_compile", source]),
    };

    /// <summary>
    /// The run: a static binary under minimal; Python under its profile with a judge's limits. The process limit is a
    /// judge's too: at the profile's 128, a fork bomb's copies of the interpreter fill 64M first, and the verdict would be
    /// the memory limit rather than the forking.
    /// </summary>
    private static Task<SandboxResult> RunSubmissionAsync(string language, string job)
    {
        byte[] stdin = Encoding.ASCII.GetBytes(Input);
        if (language is "c" or "cpp")
        {
            return RunAsync(Policy("minimal", b => b.MountReadOnly(Path.Combine(job, "prog"), "/prog")), "/prog", [], stdin);
        }

        SandboxPolicy python = Policy("python", b => b
            .MountReadOnly(Path.Combine(job, "main.py"), "/job/main.py")
            .WithWallTime(TimeSpan.FromSeconds(5)).WithCpuTime(TimeSpan.FromSeconds(2)).WithMemory(64 * ByteSize.MiB)
            .WithMaxProcesses(16).WithMaxOutput(ByteSize.MiB).WithOutputAction(OutputAction.Kill));
        return RunAsync(python, "python3", ["/job/main.py"], stdin);
    }

    private static string RunFlags(string language) => language is "c" or "cpp"
        ? "--profile minimal --ro job/prog:/prog"
        : "--profile python --ro job/main.py:/job/main.py --time 5s --cpu 2s --memory 64M --pids 16 --output-action kill";
}
