namespace Cordon.Backends.Wasm;

/// <summary>How much stack the calling thread has left below the current frame, so a run can stay on that thread.</summary>
/// <remarks>
/// Wasmtime sets a run's stack limit from the stack pointer at entry, assuming the wasm stack and the host frames
/// below it fit in the thread's real stack; a thread with less would overflow into its guard page and crash the
/// process. The stack bounds come from pthread_getattr_np once per thread (for the main thread glibc reads
/// /proc/self/maps, so the answer is cached).
/// </remarks>
internal static class CallerStack
{
    [ThreadStatic]
    private static nint t_lowest;  // 0: not read yet; -1: unknown

    /// <summary>Bytes between the caller's frame and the lowest address of its stack, or null where that cannot be read.</summary>
    internal static long? RemainingBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (t_lowest == 0)
        {
            t_lowest = ReadLowestAddress();
        }

        if (t_lowest == -1)
        {
            return null;
        }

        byte local = 0;
        long remaining = Interop.Libc.AddressOf(ref local, ref local, 0) - t_lowest;
        return remaining > 0 ? remaining : null;
    }

    private static nint ReadLowestAddress()
    {
        try
        {
            if (Interop.Libc.PthreadGetAttributes(Interop.Libc.PthreadSelf(), out Interop.Libc.PthreadAttributes attributes) != 0)
            {
                return -1;
            }

            int status = Interop.Libc.PthreadAttributesGetStack(ref attributes, out nint lowest, out _);
            Interop.Libc.PthreadAttributesDestroy(ref attributes);
            return status == 0 && lowest > 0 ? lowest : -1;
        }
        catch (EntryPointNotFoundException)
        {
            return -1;  // not glibc
        }
    }
}
