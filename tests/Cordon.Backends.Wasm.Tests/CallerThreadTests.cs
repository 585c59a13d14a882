using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

/// <summary>The synchronous Run: on the caller's thread when its stack has room, on a worker otherwise.</summary>
public sealed class CallerThreadTests
{
    [Fact]
    public void Run_on_a_thread_with_a_large_stack_runs_the_module_on_that_thread()
    {
        (int caller, int module, SandboxResult result) = OnThread(16 * 1024 * 1024, backend => backend.Run(TestSupport.Policy(), TestSupport.Command("where_am_i.wat")));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(caller, module);
    }

    [Fact]
    public void Run_on_a_thread_with_a_small_stack_hands_the_module_to_a_worker()
    {
        (int caller, int module, SandboxResult result) = OnThread(512 * 1024, backend => backend.Run(TestSupport.Policy(), TestSupport.Command("where_am_i.wat")));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.NotEqual(caller, module);
    }

    [Fact]
    public void The_output_observer_is_called_on_the_thread_that_runs_the_module()
    {
        var observers = new System.Collections.Concurrent.ConcurrentBag<int>();
        var command = TestSupport.Command("write_bytes.wat") with { OnOutput = (_, _) => observers.Add(Environment.CurrentManagedThreadId) };

        (int caller, _, SandboxResult result) = OnThread(16 * 1024 * 1024, backend => backend.Run(TestSupport.Policy(), command));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(2, observers.Count);
        Assert.All(observers, id => Assert.Equal(caller, id));
    }

    [Fact]
    public void Deep_recursion_on_the_callers_thread_traps_stack_overflow()
    {
        (_, _, SandboxResult result) = OnThread(16 * 1024 * 1024, backend => backend.Run(TestSupport.Policy(), TestSupport.Command("deep_recursion.wat")));

        result.AssertOutcome(SandboxOutcome.Trapped);
        Assert.Equal("trap: stack_overflow", result.Detail);
    }

    [Fact]
    public async Task Runs_on_callers_threads_and_workers_together_never_exceed_the_pooling_slots()
    {
        // Two pooling slots: a third instance at once would fail to instantiate; every run must wait for a slot instead.
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithMaxConcurrentRuns(2));
        var results = new System.Collections.Concurrent.ConcurrentBag<SandboxResult>();
        Thread[] callers = [.. Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                results.Add(backend.Run(TestSupport.Policy(), TestSupport.Command("exit_code.wat")));
            }
        }, 16 * 1024 * 1024))];
        foreach (Thread t in callers)
        {
            t.Start();
        }

        SandboxResult[] asynchronous = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => backend.RunAsync(TestSupport.Policy(), TestSupport.Command("exit_code.wat"))));
        foreach (Thread t in callers)
        {
            Assert.True(t.Join(TimeSpan.FromMinutes(2)));
        }

        Assert.Equal(80, results.Count);
        Assert.All(results.Concat(asynchronous), r => Assert.True(r.Outcome == SandboxOutcome.Exited && r.ExitCode == 7, r.Describe()));
    }

    [Fact]
    public void The_pooling_allocator_is_on_by_default_and_the_default_policy_gets_no_warning()
    {
        Assert.Equal(WasmBackendOptions.DefaultPoolingMemoryBytesPerInstance, WasmBackendOptions.Default.PoolingMemoryBytesPerInstance);
        using var backend = new WasmSandboxBackend();

        SandboxResult result = backend.Run(TestSupport.Policy(), TestSupport.Command("trivial.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Empty(result.Warnings);
    }

    private static (int Caller, int Module, SandboxResult Result) OnThread(int stackBytes, Func<WasmSandboxBackend, SandboxResult> run)
    {
        int module = -1;
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.Grant(WasmHostFunction.Create("env", "here", () =>
        {
            module = Environment.CurrentManagedThreadId;
            return 0;
        })));
        int caller = -1;
        SandboxResult? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            caller = Environment.CurrentManagedThreadId;
            try
            {
                result = run(backend);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, stackBytes);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)));
        Assert.Null(failure);
        return (caller, module, result!);
    }
}
