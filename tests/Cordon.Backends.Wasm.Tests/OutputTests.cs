using System.Text;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Backends.Wasm.Tests;

[Collection(SerialMeasurements.Name)]
public sealed class OutputTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    private const long Flood = 64 * ByteSize.MiB;

    [Fact]
    public async Task Output_flood_is_truncated_at_the_cap_and_host_memory_stays_bounded()
    {
        long cap = 256 * ByteSize.KiB;
        await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("trivial.wat"));  // warm the worker
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMaxOutput(cap)),
            TestSupport.Command("output_flood.wat"));

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.StandardOutput.Truncated);
        Assert.Equal(cap, result.StandardOutput.Bytes.Length);
        Assert.Equal(Flood, result.StandardOutput.TotalBytes);
        Assert.All(result.StandardOutput.Bytes.ToArray(), b => Assert.Equal((byte)'A', b));
        Assert.True(allocated < 16 * ByteSize.MiB, $"the host allocated {ByteSize.Format(allocated)} for a {ByteSize.Format(Flood)} flood capped at {ByteSize.Format(cap)}");
    }

    [Fact]
    public async Task Output_flood_with_kill_ends_the_run_OutputExceeded()
    {
        SandboxResult result = await fixture.Backend.RunAsync(
            TestSupport.Policy(p => p.WithMaxOutput(64 * ByteSize.KiB).WithOutputAction(OutputAction.Kill)),
            TestSupport.Command("output_flood.wat"));

        result.AssertOutcome(SandboxOutcome.OutputExceeded);
        Assert.Equal("stdout passed the 64K output cap (output action: kill)", result.Detail);
        Assert.True(result.StandardOutput.Truncated);
        Assert.Equal(64 * ByteSize.KiB, result.StandardOutput.Bytes.Length);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public async Task The_output_observer_sees_the_kept_bytes_as_they_arrive()
    {
        var seen = new StringBuilder();
        int chunks = 0;
        var command = TestSupport.Command("output_flood.wat") with
        {
            OnOutput = (stream, chunk) =>
            {
                Assert.Equal(OutputStream.StandardOutput, stream);
                chunks++;
                seen.Append(Encoding.ASCII.GetString(chunk));
            },
        };

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMaxOutput(100_000)), command);

        Assert.Equal(100_000, seen.Length);
        Assert.True(chunks >= 2, $"chunks {chunks}");
        Assert.Equal(result.Stdout(), seen.ToString());
    }

    [Fact]
    public async Task An_observer_that_throws_stops_the_guest_and_the_exception_reaches_the_caller()
    {
        var command = TestSupport.Command("output_flood.wat") with { OnOutput = (_, _) => throw new InvalidOperationException("observer bug") };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Backend.RunAsync(TestSupport.Policy(), command));

        Assert.Equal("observer bug", error.Message);
    }

    [Fact]
    public async Task Invoke_results_are_written_to_stdout_one_per_line()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("divmod"));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), TestSupport.Command("numbers.wat", "17", "5"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("3\n2\n", result.Stdout());
    }
}
