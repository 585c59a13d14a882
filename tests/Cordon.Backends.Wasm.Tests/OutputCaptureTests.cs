using System.Text;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Wasm.Tests;

/// <summary>stdout and stderr written by WASI to output files and read back on the run's own thread.</summary>
public sealed class OutputCaptureTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    private static readonly byte[] NotUtf8 = [0x80, 0xE2, 0x82, 0xFF, 0xC0, 0x80, 0x00];

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_captured_exactly_on_both_streams()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("write_bytes.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(NotUtf8, result.StandardOutput.Bytes.ToArray());
        Assert.Equal(NotUtf8.Reverse(), result.StandardError.Bytes.ToArray());
        Assert.False(result.StandardOutput.Truncated);
        Assert.Equal(7, result.StandardError.TotalBytes);
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(999, true)]
    [InlineData(1, true)]
    public async Task Exactly_the_cap_is_kept_and_every_byte_is_counted(long cap, bool truncated)
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMaxOutput(cap)), TestSupport.Command("write_past_cap.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(new string('A', (int)cap), result.Stdout());
        Assert.Equal(1000, result.StandardOutput.TotalBytes);
        Assert.Equal(truncated, result.StandardOutput.Truncated);
    }

    [Fact]
    public async Task Past_the_cap_the_module_keeps_running_and_its_other_stream_is_still_captured()
    {
        var seen = new List<(OutputStream Stream, string Text)>();
        var command = TestSupport.Command("write_past_cap.wat") with { OnOutput = (stream, chunk) => seen.Add((stream, Encoding.ASCII.GetString(chunk))) };

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMaxOutput(250)), command);

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("done", Encoding.ASCII.GetString(result.StandardError.Bytes.Span));
        Assert.Equal(250, seen.Where(s => s.Stream == OutputStream.StandardOutput).Sum(s => s.Text.Length));
        Assert.Equal("done", string.Concat(seen.Where(s => s.Stream == OutputStream.StandardError).Select(s => s.Text)));
    }

    [Fact]
    public async Task Past_the_cap_with_kill_the_module_is_stopped_and_keeps_exactly_the_cap()
    {
        SandboxResult result = await fixture.Backend.RunAsync(
            TestSupport.Policy(p => p.WithMaxOutput(4096).WithOutputAction(OutputAction.Kill).WithWallTime(TimeSpan.FromMinutes(10)).WithCpuTime(TimeSpan.FromMinutes(10))),
            TestSupport.Command("write_forever.wat"));

        result.AssertOutcome(SandboxOutcome.OutputExceeded);
        Assert.Equal(4096, result.StandardOutput.Bytes.Length);
        Assert.True(result.StandardOutput.TotalBytes > 4096);
        Assert.StartsWith("tick\ntick\n", result.Stdout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_writing_in_a_loop_is_stopped_by_fuel_with_its_output_capped()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithFuel(2_000_000));

        // Only the fuel may end it: the time limits are far beyond what 2 million units take on any machine.
        WasmRunResult run = await backend.RunWasmAsync(
            TestSupport.Policy(p => p.WithMaxOutput(64 * 1024).WithWallTime(TimeSpan.FromMinutes(10)).WithCpuTime(TimeSpan.FromMinutes(10))),
            TestSupport.Command("write_forever.wat"));

        run.Result.AssertOutcome(SandboxOutcome.CpuTimeExceeded);
        Assert.StartsWith("fuel exhausted", run.Result.Detail, StringComparison.Ordinal);
        Assert.Equal(64 * 1024, run.Result.StandardOutput.Bytes.Length);
        Assert.True(run.Result.StandardOutput.Truncated);
        Assert.Equal(0, run.Result.StandardOutput.TotalBytes % 5);
        Assert.True(run.Result.StandardOutput.TotalBytes > 64 * 1024, $"total {run.Result.StandardOutput.TotalBytes}");
    }

    [Fact]
    public async Task A_module_writing_in_a_loop_is_stopped_by_wall_time_with_its_output_capped()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit());

        SandboxResult result = await backend.RunAsync(
            new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromMilliseconds(300)).WithMaxOutput(64 * 1024).Build(), TestSupport.Command("write_forever.wat"));

        // How much a module writes in 300 ms is the machine's speed (the fuel test above reaches the cap by count); the
        // capture must be consistent with the total whatever it was.
        result.AssertOutcome(SandboxOutcome.WallTimeExceeded);
        Assert.Equal(Math.Min(result.StandardOutput.TotalBytes, 64 * 1024), result.StandardOutput.Bytes.Length);
        Assert.Equal(result.StandardOutput.TotalBytes > 64 * 1024, result.StandardOutput.Truncated);
        Assert.StartsWith("tick\n", result.Stdout(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spin")]
    [InlineData("sleep")]
    public async Task Output_reaches_the_observer_while_the_module_is_still_running(string then)
    {
        // The module never ends by itself: only an observer that sees "ready" while it runs can cancel it.
        using var cancel = new CancellationTokenSource();
        var command = TestSupport.Command("ready_then_spin.wat", then) with
        {
            OnOutput = (_, chunk) =>
            {
                if (chunk.SequenceEqual("ready\n"u8))
                {
                    cancel.Cancel();
                }
            },
        };

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithWallTime(TimeSpan.FromMinutes(2))), command, cancel.Token);

        result.AssertOutcome(SandboxOutcome.Canceled);
        Assert.Equal("ready\n", result.Stdout());
    }

    [Fact]
    public async Task Output_files_are_emptied_between_runs()
    {
        for (int i = 0; i < 3; i++)
        {
            SandboxResult bytes = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("write_bytes.wat"));
            SandboxResult none = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("trivial.wat"));

            Assert.Equal(NotUtf8, bytes.StandardOutput.Bytes.ToArray());
            Assert.Equal(0, none.StandardOutput.TotalBytes);
            Assert.Equal(0, none.StandardError.TotalBytes);
        }
    }
}
