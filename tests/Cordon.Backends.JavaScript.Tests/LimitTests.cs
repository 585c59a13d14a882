using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>Every limit fires with its own verdict. No test asserts how fast this machine is: outcomes only.</summary>
public sealed class LimitTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private static SandboxPolicy Short(Action<SandboxPolicyBuilder>? more = null) => TestSupport.Policy(b =>
    {
        b.WithWallTime(TimeSpan.FromSeconds(1)).WithCpuTime(TimeSpan.FromSeconds(30));
        more?.Invoke(b);
    });

    [Fact]
    public async Task An_infinite_loop_without_calls_hits_the_wall_time_limit()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(Short(), TestSupport.Command("infinite-loop.js"));
        run.AssertOutcome(SandboxOutcome.WallTimeExceeded, JavaScriptLimit.WallTime);
        Assert.True(run.Result.WallTime >= TimeSpan.FromSeconds(1), run.Describe());
    }

    [Fact]
    public async Task An_infinite_loop_hits_the_cpu_time_limit_measured_on_the_engine_thread()
    {
        SandboxPolicy policy = TestSupport.Policy(b => b.WithWallTime(TimeSpan.FromMinutes(5)).WithCpuTime(TimeSpan.FromMilliseconds(500)));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("infinite-loop.js"));
        run.AssertOutcome(SandboxOutcome.CpuTimeExceeded, JavaScriptLimit.CpuTime);
        Assert.True(run.Result.Usage.TotalCpuTime >= TimeSpan.FromMilliseconds(450), run.Describe());
    }

    [Fact]
    public async Task The_statement_budget_stops_a_loop_deterministically()
    {
        using var backend = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithMaxStatements(10_000));
        JavaScriptRunResult run = await backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("infinite-loop.js"));
        run.AssertOutcome(SandboxOutcome.CpuTimeExceeded, JavaScriptLimit.Statements);
        Assert.Contains("10,000 statements", run.Result.Detail, StringComparison.Ordinal);

        JavaScriptRunResult fits = await backend.RunSourceAsync(TestSupport.Policy(), "let n = 0; for (let i = 0; i < 100; i++) n += i; console.log(n)", new SandboxCommand("fits.js"));
        fits.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("4950\n", fits.Result.Stdout());
    }

    [Theory]
    [InlineData("memory-string-doubling.js")]
    [InlineData("memory-array-push.js")]
    [InlineData("memory-arraybuffer.js")]
    [InlineData("memory-repeat.js")]
    [InlineData("memory-typed-arraylike.js")]
    [InlineData("memory-constructor-bypass.js")]
    [InlineData("memory-transfer.js")]
    public async Task Memory_bombs_hit_the_memory_limit(string script)
    {
        SandboxPolicy policy = TestSupport.Policy(b => b.WithWallTime(TimeSpan.FromMinutes(2)).WithMemory(64L * 1024 * 1024));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command(script));
        run.AssertOutcome(SandboxOutcome.MemoryExceeded, JavaScriptLimit.Memory);
        Assert.Empty(run.Result.StandardOutput.Bytes.ToArray());
    }

    [Fact]
    public async Task A_length_is_converted_once_so_the_check_and_the_allocation_see_the_same_size()
    {
        SandboxPolicy policy = TestSupport.Policy(b => b.WithMemory(64L * 1024 * 1024));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("memory-valueof-toctou.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("8 1\n", run.Result.Stdout());   // 8 bytes, valueOf called once
    }

    [Fact]
    public async Task A_single_huge_allocation_is_refused_before_it_happens()
    {
        SandboxPolicy policy = TestSupport.Policy(b => b.WithMemory(64L * 1024 * 1024));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("memory-repeat.js"));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        run.AssertOutcome(SandboxOutcome.MemoryExceeded, JavaScriptLimit.Memory);
        Assert.True(allocated < 512L * 1024 * 1024, $"the process allocated {allocated} bytes while refusing a 1 GiB string");
    }

    [Fact]
    public async Task Deep_recursion_hits_the_call_depth_limit()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(), TestSupport.Command("deep-recursion.js"));
        run.AssertOutcome(SandboxOutcome.Trapped, JavaScriptLimit.Recursion);
        Assert.StartsWith("trap: recursion_limit", run.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redos_regex_stops_at_the_run_budget_not_the_engine_regex_default()
    {
        // Jint's regex timeout defaults to 10 s whatever the run's budget; the tier sets it from the budget.
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(Short(), TestSupport.Command("redos.js"));
        run.AssertOutcome(SandboxOutcome.WallTimeExceeded, JavaScriptLimit.WallTime);
        Assert.Contains("regular-expression", run.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Atomics_wait_is_refused_instead_of_blocking_the_host_thread()
    {
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(b => b.WithWallTime(TimeSpan.FromMinutes(1))), TestSupport.Command("atomics-wait.js"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal("TypeError", run.ErrorName);
        Assert.Contains("Atomics.wait cannot be used", run.Result.Stderr(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_flood_is_killed_at_the_cap_with_kill()
    {
        SandboxPolicy policy = TestSupport.Policy(b => b.WithMaxOutput(64 * 1024).WithOutputAction(OutputAction.Kill));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("output-flood.js"));
        run.AssertOutcome(SandboxOutcome.OutputExceeded, JavaScriptLimit.Output);
        Assert.Equal(64 * 1024, run.Result.StandardOutput.Bytes.Length);
        Assert.True(run.Result.StandardOutput.Truncated);
    }

    [Fact]
    public async Task An_output_flood_is_truncated_and_counted_with_truncate()
    {
        SandboxPolicy policy = Short(b => b.WithMaxOutput(64 * 1024));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("output-flood.js"));
        run.AssertOutcome(SandboxOutcome.WallTimeExceeded, JavaScriptLimit.WallTime);
        Assert.Equal(64 * 1024, run.Result.StandardOutput.Bytes.Length);
        Assert.True(run.Result.StandardOutput.TotalBytes > 64 * 1024);
    }

    [Fact]
    public async Task Cancellation_stops_a_running_script()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(TestSupport.Policy(b => b.WithWallTime(TimeSpan.FromMinutes(5))), TestSupport.Command("infinite-loop.js"), cancel.Token);
        run.AssertOutcome(SandboxOutcome.Canceled);
    }

    [Theory]
    [InlineData("sort-sparse")]
    [InlineData("join-huge")]
    [InlineData("json-deep")]
    [InlineData("proxy-trap-loop")]
    [InlineData("temporal-loop")]
    [InlineData("sab-grow")]
    [InlineData("atomics-pause")]
    [InlineData("string-replace-all")]
    [InlineData("array-from-huge")]
    [InlineData("fill-huge")]
    [InlineData("regex-replace-redos")]
    public async Task Huge_and_blocking_built_ins_end_within_the_limits(string shape)
    {
        // The property is that the engine comes back after a limit at all (no built-in runs unbounded), not how fast a
        // loaded machine gets it there: a generous grace, on a backend of its own so no other test shares its worker.
        using var backend = new JavaScriptSandboxBackend(JavaScriptBackendOptions.Default.WithMaxConcurrentRuns(1).WithStopGrace(TimeSpan.FromMinutes(2)));
        SandboxPolicy policy = Short(b => b.WithMemory(128L * 1024 * 1024));
        JavaScriptRunResult run = await backend.RunJavaScriptAsync(policy, TestSupport.Command("blocking-primitives.js", shape));
        Assert.True(run.Result.Outcome is SandboxOutcome.WallTimeExceeded or SandboxOutcome.MemoryExceeded or SandboxOutcome.Exited or SandboxOutcome.CpuTimeExceeded, run.Describe());
        Assert.DoesNotContain("returned", run.Result.Stdout(), StringComparison.Ordinal);
        Assert.DoesNotContain(run.Result.Warnings, w => w.Contains("abandoned", StringComparison.Ordinal));
        Assert.Equal(0, backend.StuckWorkers);
    }
}
