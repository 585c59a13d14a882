using System.Text.Json.Serialization;

namespace Cordon.Service.Distributed;

/// <summary>
/// One tenant's quota state as every API node and worker of a NATS queue shares it: one KV entry per tenant in the
/// bucket <c>cordon-quotas</c>, changed only by compare-and-set on its revision (see <see cref="QuotaLedger"/>). Times
/// are Unix milliseconds by the clock of the node that wrote them. What has run out (an expired lease, a start older
/// than a minute, a CPU minute older than an hour) is dropped by the next writer.
/// </summary>
/// <param name="Slots">Runs queued or running, each with the lease its API node refreshes.</param>
/// <param name="Starts">When each run admitted in the last minute was admitted.</param>
/// <param name="Cpu">Measured CPU seconds charged per minute over the last hour.</param>
internal sealed record QuotaRecord(QuotaSlot[] Slots, long[] Starts, CpuMinute[] Cpu)
{
    public const long MinuteMs = 60_000;
    public const long HourMs = 60 * MinuteMs;

    public static QuotaRecord Empty { get; } = new([], [], []);

    /// <summary>The record without what no longer counts at <paramref name="now"/>.</summary>
    public QuotaRecord Pruned(long now) => new(
        [.. Slots.Where(s => s.Until > now)],
        [.. Starts.Where(t => now - t < MinuteMs)],
        [.. Cpu.Where(c => now < CountsUntil(c))]);

    /// <summary>A minute's charges count until an hour after that minute ends: never less than an hour, at most a minute more.</summary>
    public static long CountsUntil(CpuMinute charge) => (charge.Minute + 1) * MinuteMs + HourMs;

    public double CpuUsed => Cpu.Sum(c => c.Seconds);

    /// <summary>When the CPU used falls below <paramref name="quota"/> as the oldest minutes stop counting.</summary>
    public long CpuFreeAt(double quota)
    {
        double over = CpuUsed - quota;
        long freeAt = 0;
        foreach (CpuMinute charge in Cpu.OrderBy(c => c.Minute))
        {
            freeAt = CountsUntil(charge);
            over -= charge.Seconds;
            if (over < 0) break;
        }

        return freeAt;
    }

    /// <summary>When the starts in the last minute fall below <paramref name="perMinute"/>.</summary>
    public long RateFreeAt(int perMinute)
    {
        long[] sorted = [.. Starts.Order()];
        return sorted[Math.Clamp(sorted.Length - perMinute, 0, sorted.Length - 1)] + MinuteMs;
    }

    /// <summary><paramref name="seconds"/> of CPU added to the minute of <paramref name="now"/>.</summary>
    public QuotaRecord Charged(long now, double seconds)
    {
        long minute = now / MinuteMs;
        return this with
        {
            Cpu = Cpu.Any(c => c.Minute == minute)
                ? [.. Cpu.Select(c => c.Minute == minute ? c with { Seconds = c.Seconds + seconds } : c)]
                : [.. Cpu, new CpuMinute(minute, seconds)],
        };
    }
}

/// <summary>A run's concurrency slot: its run id, the API node that admitted it, and when its lease ends unless refreshed.</summary>
internal sealed record QuotaSlot(string Run, string Node, long Until);

/// <summary>The CPU seconds of the runs whose results were stored in one minute (<paramref name="Minute"/>: Unix minutes).</summary>
internal sealed record CpuMinute(long Minute, double Seconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(QuotaRecord))]
internal sealed partial class QuotaJson : JsonSerializerContext;
