using System.Security.Cryptography;
using System.Text;

namespace Cordon.Service.Tests;

/// <summary>
/// Tenants are taken in turn, by the embedded queue and by workers over NATS JetStream: a tenant that queued first and
/// most does not hold back another. Asserted by the order runs finish in (each prints the time it ended), not by time.
/// </summary>
public sealed class FairnessTests
{
    private const string Run = """{"runtime":"bash","files":[{"path":"main.sh","content":"sleep 0.3; date +%s%N"}]}""";

    [Fact]
    public async Task A_second_tenants_run_goes_before_the_first_tenants_backlog()
    {
        string keys = await KeysFileAsync();
        try
        {
            await using ServeProcess serve = await ServeProcess.StartAsync("--concurrency", "1", "--api-keys", keys);
            (long other, long[] flood) = await FloodThenOneAsync(serve, 4);
            // One at a time, in turns: flood's first (already running), then other's, then the rest of flood's.
            Assert.True(flood[0] < other, "flood's first run started before other queued anything");
            Assert.True(other < flood[2] && other < flood[3], $"other {other}, flood {string.Join(",", flood)}");
        }
        finally
        {
            File.Delete(keys);
        }
    }

    [Fact]
    public async Task Over_nats_a_second_tenants_run_goes_before_the_first_tenants_backlog()
    {
        string keys = await KeysFileAsync();
        string workerTemp = Directory.CreateTempSubdirectory("cordon-worker-fair-").FullName;
        try
        {
            await using NatsServer nats = await NatsServer.StartAsync();
            await using WorkerProcess worker = await WorkerProcess.StartAsync(nats.Url, workerTemp, "--concurrency", "1");
            await using ServeProcess api = await ServeProcess.StartAsync("--queue", nats.Url, "--api-keys", keys);
            (long other, long[] flood) = await FloodThenOneAsync(api, 8);
            // The stream's order would put other's run after all eight; in turns it goes second (third at worst, if
            // the worker took flood's second before other's was queued).
            int before = flood.Count(f => f < other);
            Assert.True(before <= 2, $"{before} of flood's runs finished before other's: other {other}, flood {string.Join(",", flood)}\n{worker.Stderr}");
            Assert.Equal(0, await worker.StopAsync());
            Assert.Equal(0, await api.StopAsync());
        }
        finally
        {
            File.Delete(keys);
            Directory.Delete(workerTemp, recursive: true);
        }
    }

    /// <summary>Tenant flood queues <paramref name="count"/> runs, then tenant other one; when each finished (ns since the epoch).</summary>
    private static async Task<(long Other, long[] Flood)> FloodThenOneAsync(ServeProcess serve, int count)
    {
        List<string> flood = [];
        for (int i = 0; i < count; i++)
        {
            var (status, body, _) = await serve.PostAsync("/v1/runs", Run, "flood-key");
            Assert.True(status == 202, body.ToString());
            flood.Add(body.GetProperty("id").GetString()!);
        }

        string other = (await serve.PostAsync("/v1/runs", Run, "other-key")).Body.GetProperty("id").GetString()!;

        async Task<long> FinishedAt(string id, string key)
        {
            for (int i = 0; i < 1200; i++)
            {
                var (_, view, _) = await serve.SendAsync(HttpMethod.Get, $"/v1/runs/{id}", key);
                if (view.GetProperty("state").GetString() == "finished") return long.Parse(view.GetProperty("run").GetProperty("stdout").GetString()!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
                await Task.Delay(100);
            }

            throw new TimeoutException(id);
        }

        long otherAt = await FinishedAt(other, "other-key");
        return (otherAt, [.. await Task.WhenAll(flood.Select(id => FinishedAt(id, "flood-key")))]);
    }

    private static async Task<string> KeysFileAsync()
    {
        string keys = Path.Combine(Path.GetTempPath(), $"cordon-serve-fair-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keys, $"flood {Hash("flood-key")} concurrent=10\nother {Hash("other-key")}\n");
        return keys;
    }

    private static string Hash(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
