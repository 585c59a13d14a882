using System.Diagnostics;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>
/// Replaces WASI's <c>poll_oneoff</c> for pure sleeps, so that a sleeping module still meets its wall-time limit
/// and cancellation.
/// </summary>
/// <remarks>
/// Epoch interruption only reaches compiled wasm code: a module blocked inside a host call (WASI's sleep is
/// <c>poll_oneoff</c> with clock subscriptions) would sleep through its deadline. When every subscription is a
/// relative clock (or an absolute realtime clock), this implementation waits on the run's stop signal instead and
/// throws <see cref="RunInterruptedException"/> when a limit passes. Anything else (file-descriptor readiness,
/// absolute monotonic deadlines, CPU-time clocks) goes to Wasmtime's implementation, which returns at once for
/// the descriptors a module can have here (regular files, empty or file-backed stdin, stdout and stderr sinks).
/// </remarks>
internal static class InterruptiblePollOneoff
{
    private const string WasiModule = "wasi_snapshot_preview1";
    private const int SubscriptionBytes = 48;
    private const int EventBytes = 32;
    private const int MaxSubscriptions = 4096;
    private const int Success = 0;
    private const int Fault = 21;     // EFAULT in WASI's errno numbering
    private const int Invalid = 28;   // EINVAL
    private const byte ClockTag = 0;
    private const int RealtimeClock = 0;
    private const int MonotonicClock = 1;

    /// <summary>Shadows WASI's poll_oneoff in <paramref name="linker"/>; <paramref name="wasiOnly"/> keeps the original.</summary>
    internal static void Define(Linker linker, Linker wasiOnly)
    {
        linker.AllowShadowing = true;
        linker.DefineFunction(WasiModule, "poll_oneoff",
            (CallerFunc<int, int, int, int, int>)((caller, subscriptions, events, count, eventCount)
                => Poll(caller, wasiOnly, subscriptions, events, count, eventCount)));
        linker.AllowShadowing = false;
    }

    private static int Poll(Caller caller, Linker wasiOnly, int subscriptionsAddress, int eventsAddress, int count, int eventCountAddress)
    {
        Store store = caller.Store;
        int Original()
        {
            Function original = wasiOnly.GetFunction(store, WasiModule, "poll_oneoff")
                ?? throw new InvalidOperationException("WASI poll_oneoff is not defined");
            return (int)original.Invoke(subscriptionsAddress, eventsAddress, count, eventCountAddress)!;
        }

        if (caller.GetData() is not RunState run || caller.GetMemory("memory") is not { } memory)
        {
            return Original();
        }

        uint n = (uint)count;
        if (n == 0)
        {
            return Invalid;
        }

        if (n > MaxSubscriptions)
        {
            return Original();
        }

        long length = memory.GetLength();
        long subscriptions = (uint)subscriptionsAddress;
        long events = (uint)eventsAddress;
        long eventCount = (uint)eventCountAddress;
        if (subscriptions + (n * SubscriptionBytes) > length || events + (n * EventBytes) > length || eventCount + 4 > length)
        {
            return Fault;
        }

        long now = Stopwatch.GetTimestamp();
        long unixNanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var deadlines = new long[n];
        for (int i = 0; i < n; i++)
        {
            long at = subscriptions + (i * SubscriptionBytes);
            int clock = memory.ReadInt32(at + 16);
            bool absolute = (memory.ReadInt16(at + 40) & 1) != 0;
            if (memory.ReadByte(at + 8) != ClockTag || clock is not (RealtimeClock or MonotonicClock) || (absolute && clock != RealtimeClock))
            {
                return Original();
            }

            ulong timeout = (ulong)memory.ReadInt64(at + 24);
            double nanoseconds = absolute ? Math.Max(0, (double)timeout - unixNanoseconds) : timeout;
            double ticks = nanoseconds * Stopwatch.Frequency / 1e9;
            deadlines[i] = ticks > long.MaxValue / 4 ? long.MaxValue / 2 : now + (long)ticks;
        }

        // The module sleeps: what it wrote so far goes to the observer now, not when it wakes.
        run.Output?.Drain();
        long first = deadlines.Min();
        while (true)
        {
            run.ThrowIfStopRequested();
            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), first);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            TimeSpan wait = TimeSpan.FromMilliseconds(Math.Clamp(Math.Ceiling(Min(left, run.WallRemaining).TotalMilliseconds), 1, 1000));
            run.StopSignal.WaitOne(wait);
        }

        now = Stopwatch.GetTimestamp();
        int written = 0;
        for (int i = 0; i < n; i++)
        {
            if (deadlines[i] > now)
            {
                continue;
            }

            long at = events + (written * EventBytes);
            memory.GetSpan(at, EventBytes).Clear();
            memory.WriteInt64(at, memory.ReadInt64(subscriptions + (i * SubscriptionBytes)));  // userdata; error 0, type clock 0
            written++;
        }

        memory.WriteInt32(eventCount, written);
        return Success;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan? b) => b is { } value && value < a ? value : a;
}
