namespace Cordon.Backends.JavaScript;

/// <summary>CPU time of one thread of this process, read from any thread (the watchdog reads the worker's clock).</summary>
/// <remarks>
/// Linux exposes every thread's CPU clock as a clock id derived from its kernel thread id (what glibc's
/// pthread_getcpuclockid returns): <c>(~tid &lt;&lt; 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED</c>.
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
}
