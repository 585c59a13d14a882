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

    /// <summary>The processes of each member, watched from now on.</summary>
    public static List<(WatchedProcess Init, WatchedProcess Bwrap)> Watch(IEnumerable<(int BwrapPid, int InitPid, IReadOnlyList<string> Cgroup, uint? Uid)> members)
        => [.. members.Select(m => (new WatchedProcess(m.InitPid), new WatchedProcess(m.BwrapPid)))];

    /// <summary>Polls <paramref name="condition"/> every 20 ms, at most 3000 times (a safety net of about a minute, not a speed check).</summary>
    public static bool Eventually(Func<bool> condition)
    {
        for (int attempt = 0; attempt < 3000; attempt++)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }

        return condition();
    }
}

/// <summary>A process known by its pid and start time, so that "gone" is not confused with a later process that got the same pid.</summary>
internal sealed class WatchedProcess
{
    private readonly string? _startTime;

    public WatchedProcess(int pid)
    {
        Pid = pid;
        _startTime = Stat(pid)?.StartTime;
        Assert.True(_startTime is not null, $"pid {pid} is already gone");
    }

    public int Pid { get; }

    /// <summary>Gone and reaped: neither running nor a zombie left for someone to collect.</summary>
    public bool Gone => Stat(Pid) is not { } now || now.StartTime != _startTime;

    public override string ToString() => $"pid {Pid} ({Stat(Pid)?.State ?? "gone"})";

    private static (string State, string StartTime)? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0], fields[19]); // state, then starttime (field 22 of the whole line)
        }
        catch (IOException)
        {
            return null;
        }
    }
}
