using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cordon.Service.Tests;

/// <summary><c>cordon worker --warm python3</c>: runs from the NATS queue lease from the worker's pool, and stopping leaves nothing.</summary>
public sealed partial class WarmWorkerTests
{
    [Fact]
    public async Task A_worker_with_a_warm_pool_runs_queued_runs_warm_and_stops_clean()
    {
        await using NatsServer nats = await NatsServer.StartAsync();
        string temporary = Directory.CreateTempSubdirectory("cordon-warm-worker-test-").FullName;
        var start = new ProcessStartInfo(ServeProcess.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "worker", "--queue", nats.Url, "--warm", "python3", "--concurrency", "1" }) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = temporary;
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        using Process worker = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var taking = new SemaphoreSlim(0);
        worker.OutputDataReceived += (_, e) =>
        {
            lock (stdout) stdout.AppendLine(e.Data);
            if (e.Data?.Contains("taking runs from", StringComparison.Ordinal) == true) taking.Release();
        };
        worker.ErrorDataReceived += (_, e) =>
        {
            lock (stderr) stderr.AppendLine(e.Data);
        };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            Assert.True(await taking.WaitAsync(TimeSpan.FromMinutes(2)), $"the worker did not start: {stderr}");
            await using ServeProcess api = await ServeProcess.StartAsync("--queue", nats.Url);
            const int Runs = 4;
            for (int i = 0; i < Runs; i++)
            {
                string request = JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["runtime"] = "python3",
                    ["files"] = new[] { new Dictionary<string, string> { ["path"] = "main.py", ["content"] = "import os, sys\nprint(sys.argv[1], sorted(os.listdir('.')))" } },
                    ["argv"] = new[] { $"run{i}" },
                });
                var (status, view, _) = await api.PostAsync("/v1/runs?wait=true", request);
                Assert.True(status == 200, view.ToString());
                Assert.Equal($"run{i} ['main.py']\n", view.GetProperty("run").GetProperty("stdout").GetString());
            }

            Assert.Equal(0, await api.StopAsync());
            Assert.Empty(api.Leftovers());

            using (Process kill = Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await worker.WaitForExitAsync(timeout.Token);
            Assert.True(worker.ExitCode == 0, $"cordon worker exited {worker.ExitCode}: {stderr}");
            string said;
            lock (stdout) said = stdout.ToString();
            Match counts = PoolCounts().Match(said);
            Assert.True(counts.Success, said);
            long warm = long.Parse(counts.Groups["warm"].Value, System.Globalization.CultureInfo.InvariantCulture);
            long cold = long.Parse(counts.Groups["cold"].Value, System.Globalization.CultureInfo.InvariantCulture);
            // Every run went through the pool; a run may find its refill not built yet, but not every one of them.
            Assert.Equal(Runs, warm + cold);
            Assert.True(warm >= 1, said);
            Assert.Equal("0", counts.Groups["failures"].Value);
            Assert.Empty(ServeProcess.LeftoversOf(temporary, worker.Id));
        }
        finally
        {
            if (!worker.HasExited) worker.Kill();
            Directory.Delete(temporary, recursive: true);
        }
    }

    [GeneratedRegex(@"warm pool python3: (?<warm>\d+) warm runs, (?<cold>\d+) cold, \d+ members built, (?<failures>\d+) build failures")]
    private static partial Regex PoolCounts();
}
