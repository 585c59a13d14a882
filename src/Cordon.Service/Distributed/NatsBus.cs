using System.Text;
using System.Text.Json;
using Cordon.Contracts;
using Cordon.Service.Api;
using Cordon.Service.Runs;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Cordon.Service.Distributed;

/// <summary>
/// One connection to the NATS server and the streams and buckets both sides use (created when missing): publishing a
/// run's frames, storing its one result, reading runs and advertisements.
/// </summary>
internal sealed class NatsBus : IAsyncDisposable
{
    /// <summary>Room left in a message for headers and the envelope.</summary>
    private const int PayloadSlack = 8 * 1024;

    private NatsBus(NatsConnection connection, NatsJSContext js, INatsKVStore runs, INatsKVStore results, INatsKVStore workers, INatsKVStore quotas, Uri url)
    {
        Quotas = quotas;
        Connection = connection;
        JetStream = js;
        Runs = runs;
        Results = results;
        Workers = workers;
        Url = url;
    }

    public NatsConnection Connection { get; }
    public NatsJSContext JetStream { get; }
    public INatsKVStore Runs { get; }
    public INatsKVStore Results { get; }
    public INatsKVStore Workers { get; }

    /// <summary>The tenants' quota records (<see cref="QuotaRecord"/>), shared by every API node and worker.</summary>
    public INatsKVStore Quotas { get; }
    public Uri Url { get; }

    /// <summary>The largest message the server takes, less room for headers (results larger than this are refused, not cut).</summary>
    public int MaxMessageBytes => Math.Max(64 * 1024, (Connection.ServerInfo?.MaxPayload ?? 1024 * 1024) - PayloadSlack);

    /// <summary>Parses <c>nats://HOST:PORT</c>; null and a reason for anything else.</summary>
    public static Uri? ParseUrl(string text, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Scheme != "nats" || url.Host.Length == 0 || url.Port <= 0 || url.AbsolutePath is not ("" or "/") || url.Query.Length > 0 || url.UserInfo.Length > 0)
        {
            problem = $"'{text}' is not nats://HOST:PORT (e.g. nats://127.0.0.1:4222)";
            return null;
        }

        return url;
    }

    /// <summary>Connects and makes sure the streams and buckets exist; throws <see cref="NatsException"/> when the server cannot be reached or has no JetStream.</summary>
    public static async Task<NatsBus> ConnectAsync(Uri url, string name, ServiceCeilings ceilings, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = url.ToString(),
            Name = name,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
            // The client waits for a lost server to come back rather than failing every run at once.
            MaxReconnectRetry = -1,
        });
        try
        {
            await connection.ConnectAsync();
            var js = new NatsJSContext(connection);
            await js.CreateOrUpdateStreamAsync(new StreamConfig(NatsNames.RunsStream, [NatsNames.RunsWildcard])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
                MaxAge = ceilings.QueueDeadline + ceilings.Retention,
                DuplicateWindow = TimeSpan.FromMinutes(2),
            }, cancellationToken);
            await js.CreateOrUpdateStreamAsync(new StreamConfig(NatsNames.EventsStream, ["cordon.events.*"])
            {
                Storage = StreamConfigStorage.File,
                MaxAge = ceilings.QueueDeadline + ceilings.Retention,
            }, cancellationToken);
            var kv = new NatsKVContext(js);
            INatsKVStore runs = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(NatsNames.RunsBucket) { MaxAge = ceilings.QueueDeadline + ceilings.Retention }, cancellationToken);
            INatsKVStore results = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(NatsNames.ResultsBucket) { MaxAge = ceilings.QueueDeadline + ceilings.Retention }, cancellationToken);
            INatsKVStore workers = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(NatsNames.WorkersBucket) { MaxAge = WorkerAdvertLifetime }, cancellationToken);
            // Every record is written at least once per lease while a slot in it counts; one left alone this long has nothing left that counts.
            INatsKVStore quotas = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(NatsNames.QuotasBucket) { MaxAge = QuotaRecordLifetime }, cancellationToken);
            return new NatsBus(connection, js, runs, results, workers, quotas, url);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>How long a worker's advertisement lasts unless refreshed.</summary>
    public static readonly TimeSpan WorkerAdvertLifetime = TimeSpan.FromSeconds(15);

    /// <summary>How long a quota record stays without a write: past the CPU hour (and its last minute) and the longest lease.</summary>
    public static readonly TimeSpan QuotaRecordLifetime = TimeSpan.FromHours(2);

    /// <summary>Publishes one frame of run <paramref name="id"/> to the events stream and waits for the stream to have it.</summary>
    public async Task PublishFrameAsync(string id, string name, string json, int attempt, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders { [NatsNames.EventHeader] = name, [NatsNames.AttemptHeader] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        PubAckResponse ack = await JetStream.PublishAsync(NatsNames.EventsSubject(id), Encoding.UTF8.GetBytes(json), headers: headers, cancellationToken: cancellationToken);
        ack.EnsureSuccess();
    }

    /// <summary>
    /// Stores <paramref name="view"/> as run <paramref name="view"/>'s one result, settles it in <paramref name="tenant"/>'s
    /// quotas (its slot given back, its CPU time charged) and then announces it with the <c>done</c> frame, so a client
    /// that has the result finds the slot free; false (and nothing announced) when the run already has a result,
    /// stored by someone else first.
    /// </summary>
    public async Task<bool> TryFinishAsync(RunView view, string tenant, int attempt, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(view, ServiceJson.Default.RunView);
        if (json.Length > MaxMessageBytes)
        {
            RunDocument tooLarge = RunDocuments.SetupError(view.Tier,
                $"the run's result is {json.Length} bytes, more than this NATS server's max_payload allows ({MaxMessageBytes + PayloadSlack} bytes); raise max_payload in nats-server's configuration or ask for a smaller limits.outputBytes");
            view = view with { State = "finished", Compile = null, Run = tooLarge };
            json = JsonSerializer.SerializeToUtf8Bytes(view, ServiceJson.Default.RunView);
        }

        NatsResult<ulong> created = await Results.TryCreateAsync(view.Id, json, cancellationToken: cancellationToken);
        if (!created.Success)
        {
            if (created.Error is NatsKVCreateException) return false;
            throw created.Error;
        }

        try
        {
            await QuotaLedger.SettleAsync(Quotas, tenant, view.Id, QuotaLedger.CpuSecondsOf(view), cancellationToken);
        }
        catch (Exception e) when (e is NatsException or JsonException)
        {
            // The result stands; the slot stops counting when its lease ends, and this run's CPU time is not charged.
            Console.Error.WriteLine($"cordon: could not settle run {view.Id} in the tenant's quotas: {e.Message}");
        }

        await PublishFrameAsync(view.Id, "done", Encoding.UTF8.GetString(json), attempt, cancellationToken);
        return true;
    }

    /// <summary>Whether run <paramref name="id"/> has its result already.</summary>
    public async Task<bool> HasResultAsync(string id, CancellationToken cancellationToken)
    {
        NatsResult<NatsKVEntry<byte[]>> entry = await Results.TryGetEntryAsync<byte[]>(id, cancellationToken: cancellationToken);
        return entry.Success;
    }

    /// <summary>The run <paramref name="id"/> as an API node accepted it, or null.</summary>
    public async Task<QueuedRun?> FindRunAsync(string id, CancellationToken cancellationToken)
    {
        NatsResult<NatsKVEntry<byte[]>> entry = await Runs.TryGetEntryAsync<byte[]>(id, cancellationToken: cancellationToken);
        return entry.Success && entry.Value.Value is { } bytes ? JsonSerializer.Deserialize(bytes, ServiceJson.Default.QueuedRun) : null;
    }

    /// <summary>The workers advertising themselves now.</summary>
    public async Task<List<WorkerAdvert>> WorkersAsync(CancellationToken cancellationToken)
    {
        List<WorkerAdvert> adverts = [];
        await foreach (string key in Workers.GetKeysAsync(cancellationToken: cancellationToken))
        {
            NatsResult<NatsKVEntry<byte[]>> entry = await Workers.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken);
            if (entry.Success && entry.Value.Value is { Length: > 0 } bytes && JsonSerializer.Deserialize(bytes, ServiceJson.Default.WorkerAdvert) is { } advert)
                adverts.Add(advert);
        }

        return adverts;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
