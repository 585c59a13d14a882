using System.Security.Cryptography;
using System.Text;

namespace Cordon.Service.Tests;

/// <summary>The embedded queue takes tenants in turn: a tenant that queued first and most does not hold back another.</summary>
public sealed class FairnessTests
{
    [Fact]
    public async Task A_second_tenants_run_goes_before_the_first_tenants_backlog()
    {
        string keys = Path.Combine(Path.GetTempPath(), $"cordon-serve-fair-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keys, $"flood {Hash("flood-key")} concurrent=10\nother {Hash("other-key")}\n");
        try
        {
            await using ServeProcess serve = await ServeProcess.StartAsync("--concurrency", "1", "--api-keys", keys);
            const string Run = """{"runtime":"bash","files":[{"path":"main.sh","content":"sleep 0.3; date +%s%N"}]}""";
            List<string> flood = [];
            for (int i = 0; i < 4; i++) flood.Add((await serve.PostAsync("/v1/runs", Run, "flood-key")).Body.GetProperty("id").GetString()!);
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
            long[] floodAt = [.. await Task.WhenAll(flood.Select(id => FinishedAt(id, "flood-key")))];
            // One at a time, in turns: flood's first (already running), then other's, then the rest of flood's.
            Assert.True(floodAt[0] < otherAt, "flood's first run started before other queued anything");
            Assert.True(otherAt < floodAt[2] && otherAt < floodAt[3], $"other {otherAt}, flood {string.Join(",", floodAt)}");
        }
        finally
        {
            File.Delete(keys);
        }
    }

    private static string Hash(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
