using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Cordon.Service.Distributed;

/// <summary>
/// Changes to a tenant's <see cref="QuotaRecord"/> in the bucket <c>cordon-quotas</c>, each exact under races: read the
/// entry and its revision, compute the new record, write it only if the revision is still the one read (create when
/// there is none), and on a conflict read again and start over. So two nodes admitting at once are ordered by the
/// server: the second sees the first's slot.
/// </summary>
internal static class QuotaLedger
{
    /// <summary>Conflicts one change rides out before it gives up (each is another writer's change going first).</summary>
    private const int MaxConflicts = 100;

    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="tenant"/>'s record (null when there is none), pruned at the
    /// time it returns with; a null result writes nothing. True when a change was written. A <see cref="ProblemException"/>
    /// from <paramref name="change"/> passes through; a <see cref="NatsException"/> when the store cannot be used.
    /// </summary>
    public static async Task<bool> UpdateAsync(INatsKVStore store, string tenant, Func<QuotaRecord?, long, QuotaRecord?> change, CancellationToken cancellationToken)
    {
        string key = NatsNames.QuotaKey(tenant);
        for (int conflicts = 0; ; conflicts++)
        {
            NatsResult<NatsKVEntry<byte[]>> entry = await store.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken);
            QuotaRecord? record = null;
            ulong revision = 0;
            if (entry.Success)
            {
                revision = entry.Value.Revision;
                record = Parse(key, entry.Value.Value);
            }
            else if (entry.Error is not (NatsKVKeyNotFoundException or NatsKVKeyDeletedException))
            {
                throw entry.Error;
            }

            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (change(record?.Pruned(now), now) is not { } next) return false;
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(next, QuotaJson.Default.QuotaRecord);
            NatsResult<ulong> written = revision == 0
                ? await store.TryCreateAsync(key, bytes, cancellationToken: cancellationToken)
                : await store.TryUpdateAsync(key, bytes, revision, cancellationToken: cancellationToken);
            if (written.Success) return true;
            if (written.Error is not (NatsKVWrongLastRevisionException or NatsKVCreateException)) throw written.Error;
            if (conflicts >= MaxConflicts) throw new NatsException($"the quota entry {key} changed under {MaxConflicts} attempts in a row to update it");
            // Another writer went first: a short random pause so that writers that collided do not collide again.
            await Task.Delay(Random.Shared.Next(0, 2 + Math.Min(conflicts, 20)), cancellationToken);
        }
    }

    /// <summary>
    /// Run <paramref name="runId"/>'s result is stored: its slot is given back and its measured CPU seconds charged,
    /// in one change. Nothing is written for a tenant with no record (no API node counts its quotas).
    /// </summary>
    public static Task<bool> SettleAsync(INatsKVStore store, string tenant, string runId, double cpuSeconds, CancellationToken cancellationToken)
        => UpdateAsync(store, tenant, (record, now) =>
        {
            if (record is null) return null;
            bool held = record.Slots.Any(s => s.Run == runId);
            if (!held && cpuSeconds <= 0) return null;
            QuotaRecord settled = held ? record with { Slots = [.. record.Slots.Where(s => s.Run != runId)] } : record;
            return cpuSeconds > 0 ? settled.Charged(now, cpuSeconds) : settled;
        }, cancellationToken);

    /// <summary>The CPU seconds a result document pair measured (compile step included).</summary>
    public static double CpuSecondsOf(Runs.RunView view) => ((view.Run?.CpuTimeMs ?? 0) + (view.Compile?.CpuTimeMs ?? 0)) / 1000;

    private static QuotaRecord Parse(string key, byte[]? bytes)
    {
        try
        {
            return bytes is { Length: > 0 } ? JsonSerializer.Deserialize(bytes, QuotaJson.Default.QuotaRecord) ?? QuotaRecord.Empty : QuotaRecord.Empty;
        }
        catch (JsonException e)
        {
            // Never read as empty: that would admit past the quota.
            throw new NatsException($"the quota entry {key} is not a quota record ({e.Message}); delete it with: nats kv del {NatsNames.QuotasBucket} {key}");
        }
    }
}
