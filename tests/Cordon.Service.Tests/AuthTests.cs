using Cordon.Service.Tests;

namespace Cordon.Service.Tests;

/// <summary>A service with a keys file: hashed keys, tiers per key, quotas.</summary>
public sealed class KeyedServeFixture : ServeFixture
{
    public const string Alice = "alice-secret-0123456789";
    public const string Bob = "bob-secret-0123456789";

    private readonly string _keysFile = WriteKeys();

    protected override string[] Arguments => ["--api-keys", _keysFile];

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            File.Delete(_keysFile);
        }
    }

    private static string WriteKeys()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cordon-serve-keys-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, $"""
            # tenant  hash  quotas
            alice {Hash(Alice)} concurrent=1 per_minute=1000
            bob   {Hash(Bob)} concurrent=5 per_minute=2 tiers=js
            """);
        return path;
    }

    private static string Hash(string secret)
        => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}

public sealed class AuthTests(KeyedServeFixture fixture) : IClassFixture<KeyedServeFixture>
{
    private ServeProcess Serve => fixture.Serve;
    private const string Bash = """{"runtime":"bash","files":[{"path":"main.sh","content":"echo hi"}]}""";
    private const string Js = """{"runtime":"js","files":[{"path":"main.js","content":"console.log(1)"}]}""";

    [Fact]
    public async Task Without_or_with_a_wrong_key_is_401()
    {
        var (status, body, response) = await Serve.PostAsync("/v1/runs?wait=true", Bash);
        Assert.Equal(401, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Authorization: Bearer", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (status, _, _) = await Serve.PostAsync("/v1/runs?wait=true", Bash, "not-a-key");
        Assert.Equal(401, status);
        (status, _, _) = await Serve.PostAsync("/api/v2/execute", """{"language":"bash","version":"*","files":[{"content":"echo"}]}""");
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task A_valid_key_runs()
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", Bash, KeyedServeFixture.Alice);
        Assert.Equal(200, status);
        Assert.Equal("hi\n", body.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_tier_the_key_may_not_use_is_403()
    {
        var (status, body, _) = await Serve.PostAsync("/v1/runs?wait=true", Bash, KeyedServeFixture.Bob);
        Assert.Equal(403, status);
        Assert.Contains("not process", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_a_quota_is_429_with_retry_after()
    {
        // alice may have one run at a time: a second while the first sleeps is refused.
        var (status, first, _) = await Serve.PostAsync("/v1/runs", """{"runtime":"bash","files":[{"path":"main.sh","content":"sleep 30"}]}""", KeyedServeFixture.Alice);
        Assert.Equal(202, status);
        var (again, body, response) = await Serve.PostAsync("/v1/runs", Bash, KeyedServeFixture.Alice);
        Assert.Equal(429, again);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("urn:cordon:problem:quota-concurrent", body.GetProperty("type").GetString());
        var (deleted, _, _) = await Serve.SendAsync(HttpMethod.Delete, $"/v1/runs/{first.GetProperty("id").GetString()}", KeyedServeFixture.Alice);
        Assert.Equal(200, deleted);

        // bob may start two runs a minute.
        Assert.Equal(200, (await Serve.PostAsync("/v1/runs?wait=true", Js, KeyedServeFixture.Bob)).Status);
        Assert.Equal(200, (await Serve.PostAsync("/v1/runs?wait=true", Js, KeyedServeFixture.Bob)).Status);
        var (third, rate, thirdResponse) = await Serve.PostAsync("/v1/runs?wait=true", Js, KeyedServeFixture.Bob);
        Assert.Equal(429, third);
        Assert.Equal("urn:cordon:problem:quota-rate", rate.GetProperty("type").GetString());
        Assert.True(thirdResponse.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Another_tenants_run_does_not_exist_for_the_caller()
    {
        var (_, run, _) = await Serve.PostAsync("/v1/runs?wait=true", Bash, KeyedServeFixture.Alice);
        var (status, _, _) = await Serve.SendAsync(HttpMethod.Get, $"/v1/runs/{run.GetProperty("id").GetString()}", KeyedServeFixture.Bob);
        Assert.Equal(404, status);
    }
}
