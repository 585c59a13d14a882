using Cordon.Execution;
using Cordon.Units;

namespace Cordon.Backends.Wasm.Tests;

public sealed class MemoryLimitTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task Memory_grow_bomb_that_then_traps_is_MemoryExceeded()
    {
        WasmRunResult run = await fixture.Backend.RunWasmAsync(TestSupport.Policy(p => p.WithMemory(16 * ByteSize.MiB)),
            TestSupport.Command("memory_bomb.wat"));

        run.Result.AssertOutcome(SandboxOutcome.MemoryExceeded);
        Assert.Equal(16 * ByteSize.MiB, run.Result.Usage.PeakMemoryBytes);
        Assert.Equal("unreachable", run.TrapCode);
        Assert.Equal("linear memory ended at 16M of the 16M limit (a memory.grow past the limit is refused) and the module then trapped (unreachable)", run.Result.Detail);
    }

    [Fact]
    public async Task Memory_grow_bomb_that_then_exits_nonzero_is_MemoryExceeded()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMemory(8 * ByteSize.MiB)),
            TestSupport.Command("memory_bomb_exit.wat"));

        result.AssertOutcome(SandboxOutcome.MemoryExceeded);
        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Usage.PeakMemoryBytes <= 8 * ByteSize.MiB);
        Assert.Contains("exited with 1", result.Detail);
    }

    [Fact]
    public async Task A_module_whose_initial_memory_exceeds_the_limit_is_MemoryExceeded_without_running()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMemory(ByteSize.MiB)),
            TestSupport.Command("big_initial_memory.wat"));

        result.AssertOutcome(SandboxOutcome.MemoryExceeded);
        Assert.Contains("initial linear memory (2M) exceeds the 1M memory limit", result.Detail);
    }

    [Fact]
    public async Task A_failing_module_far_below_the_limit_keeps_its_own_verdict()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithInvoke("unreachable"));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithMemory(16 * ByteSize.MiB)), TestSupport.Command("numbers.wat"));

        result.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal(64 * ByteSize.KiB, result.Usage.PeakMemoryBytes);
    }

    [Fact]
    public async Task A_module_under_the_limit_runs_normally()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithMemory(4 * ByteSize.MiB)),
            TestSupport.Command("big_initial_memory.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(2 * ByteSize.MiB, result.Usage.PeakMemoryBytes);
    }

    [Fact]
    public async Task Pooling_allocator_caps_memory_at_the_slot_size_and_says_so()
    {
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithPoolingAllocator(4 * ByteSize.MiB).WithMaxConcurrentRuns(2));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(p => p.WithMemory(64 * ByteSize.MiB)),
            TestSupport.Command("memory_bomb.wat"));

        result.AssertOutcome(SandboxOutcome.MemoryExceeded);
        Assert.Equal(4 * ByteSize.MiB, result.Usage.PeakMemoryBytes);
        Assert.Contains(result.Warnings, w => w.Contains("pooling allocator", StringComparison.Ordinal));
    }
}
