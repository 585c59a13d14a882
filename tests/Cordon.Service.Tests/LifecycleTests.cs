using System.Text.Json;

namespace Cordon.Service.Tests;

/// <summary>Start-up refusals, and a stop that ends every run with a result and leaves nothing behind.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task A_non_loopback_address_without_keys_is_refused()
    {
        var (code, _, stderr) = await ServeProcess.RunToExitAsync("--listen", "0.0.0.0:0");
        Assert.Equal(2, code);
        Assert.Contains("without --api-keys", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen", "localhost:80", "is not HOST:PORT")]
    [InlineData("--api-keys", "/nonexistent/keys", "--api-keys")]
    [InlineData("--frobnicate", "1", "unexpected argument")]
    public async Task Bad_arguments_are_usage_errors(string option, string value, string message)
    {
        var (code, _, stderr) = await ServeProcess.RunToExitAsync(option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_keys_file_names_its_line()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cordon-serve-badkeys-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, "# ok\nalice plaintext-secret\n");
        try
        {
            var (code, _, stderr) = await ServeProcess.RunToExitAsync("--api-keys", path);
            Assert.Equal(2, code);
            Assert.Contains($"{path}:2", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Hash_key_prints_the_file_form()
    {
        var (code, stdout, _) = await ServeProcess.RunToExitAsync("hash-key", "abc");
        Assert.Equal(0, code);
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", stdout.Trim());
    }

    [Fact]
    public async Task Stopping_cancels_running_and_queued_runs_with_results_and_leaves_nothing()
    {
        await using ServeProcess serve = await ServeProcess.StartAsync("--concurrency", "1");
        const string Sleeper = """{"runtime":"python3","files":[{"path":"main.py","content":"import time\nprint('up', flush=True)\ntime.sleep(60)"}]}""";
        Task<(int, JsonElement, HttpResponseMessage)> running = serve.PostAsync("/v1/runs?wait=true", Sleeper);
        // Wait until the first run holds the only slot, so the second one waits in the queue.
        for (int i = 0; i < 600; i++)
        {
            var (_, health, _) = await serve.SendAsync(HttpMethod.Get, "/v1/health");
            if (health.GetProperty("running").GetInt32() == 1) break;
            await Task.Delay(50);
        }

        var (_, queued, _) = await serve.PostAsync("/v1/runs", Sleeper);
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        await Task.Delay(500);
        Task<int> stopped = serve.StopAsync();
        var (status, body, _) = await running;
        Assert.Equal(200, status);
        Assert.Equal("canceled", body.GetProperty("run").GetProperty("outcome").GetString());
        Assert.Equal(0, await stopped);
        Assert.Empty(serve.Leftovers());
    }
}
