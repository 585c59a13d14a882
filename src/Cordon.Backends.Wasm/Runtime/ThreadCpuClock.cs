namespace Cordon.Backends.Wasm;

/// <summary>CPU time of the calling thread, from getrusage(RUSAGE_THREAD); unavailable off 64-bit Linux.</summary>
internal static class ThreadCpuClock
{
    /// <summary>True where <see cref="TryRead"/> can succeed.</summary>
    internal static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Reads the calling thread's user and system CPU time.</summary>
    internal static bool TryRead(out TimeSpan user, out TimeSpan system)
    {
        if (IsSupported && Interop.Libc.GetRusage(Interop.Libc.RusageThread, out Interop.Libc.Rusage usage) == 0)
        {
            user = TimeSpan.FromSeconds(usage.UserSeconds) + TimeSpan.FromMicroseconds(usage.UserMicroseconds);
            system = TimeSpan.FromSeconds(usage.SystemSeconds) + TimeSpan.FromMicroseconds(usage.SystemMicroseconds);
            return true;
        }

        user = system = TimeSpan.Zero;
        return false;
    }
}
