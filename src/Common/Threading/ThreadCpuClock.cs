/// <summary>
/// CPU time of threads of this process, for the in-process tiers' CPU-time limit and usage. Linked into each tier that
/// runs guests on its own threads (like the declarations in src/Common/Interop); unavailable off 64-bit Linux.
/// </summary>
/// <remarks>
/// Linux exposes every thread's CPU clock as a clock id derived from its kernel thread id (what glibc's
/// pthread_getcpuclockid returns): <c>(~tid &lt;&lt; 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED</c>, so a watchdog can read
/// a worker's clock from another thread. The calling thread's own time, split into user and system, comes from
/// getrusage(RUSAGE_THREAD).
/// </remarks>
internal static class ThreadCpuClock
{
    private const int PerThreadSchedClock = 4 | 2;

    /// <summary>True where the clocks can be read (64-bit Linux).</summary>
    internal static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>The calling thread's kernel id, or 0 where unsupported.</summary>
    internal static int CurrentThreadId() => IsSupported ? Interop.Libc.GetTid() : 0;

    /// <summary>Reads the CPU time consumed so far by thread <paramref name="tid"/> of this process.</summary>
    internal static bool TryRead(int tid, out TimeSpan cpu)
    {
        if (IsSupported && tid > 0 && Interop.Libc.ClockGetTime((~tid << 3) | PerThreadSchedClock, out Interop.Libc.TimeSpec t) == 0)
        {
            cpu = TimeSpan.FromSeconds(t.Seconds) + TimeSpan.FromTicks(t.Nanoseconds / 100);
            return true;
        }

        cpu = TimeSpan.Zero;
        return false;
    }

    /// <summary>Reads the calling thread's user and system CPU time.</summary>
    internal static bool TryRead(out TimeSpan user, out TimeSpan system)
    {
        if (IsSupported && Interop.Libc.GetRusage(Interop.Libc.RusageThread, out Interop.Libc.Rusage usage) == 0)
        {
            user = usage.User;
            system = usage.System;
            return true;
        }

        user = system = TimeSpan.Zero;
        return false;
    }
}
