using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.WarmPool;

/// <summary>Helpers for the warm-pool tests: a pool that is filled before the test goes on, and the host's view of a member.</summary>
internal static class WarmPools
{
    public static readonly TimeSpan FillTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A pool of <paramref name="shape"/> with <paramref name="size"/> members ready.</summary>
    public static WarmSandboxPool Filled(SandboxPolicy shape, int size = 1, TimeSpan? idle = null, ProcessSandbox? sandbox = null)
    {
        var pool = new WarmSandboxPool(sandbox ?? new ProcessSandbox(), shape, new WarmPoolOptions { Size = size, IdleTimeout = idle ?? TimeSpan.FromMinutes(5) });
        if (!pool.WaitForIdle(size, FillTimeout))
        {
            string failure = pool.Statistics.LastBuildFailure ?? "no failure recorded";
            pool.Dispose();
            throw new Xunit.Sdk.XunitException($"the pool did not fill to {size} within {FillTimeout}: {failure}");
        }

        return pool;
    }

    public static string Out(SandboxResult r) => System.Text.Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span);

    public static string Err(SandboxResult r) => System.Text.Encoding.UTF8.GetString(r.StandardError.Bytes.Span);

    /// <summary>Whether a process with <paramref name="pid"/> exists (a zombie counts: it is not gone yet).</summary>
    public static bool ProcessExists(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}");

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? FillTimeout))
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }

        return condition();
    }
}
