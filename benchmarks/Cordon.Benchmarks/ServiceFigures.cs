using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Pool;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.PolicyFiles.Profiles;

namespace Cordon.Benchmarks;

/// <summary>
/// The service's figures, against real processes (cordon-serve, cordon worker, nats-server), as ratios in one run:
/// <list type="bullet">
/// <item>latency of <c>POST /v1/runs?wait=true</c> for python <c>print(1)</c> on a service with a warm pool for python3
/// (<c>--warm python3</c>), interleaved with the same run through the library cold (the python profile, the service's
/// default limits, a fresh work directory holding main.py) and through the library's warm pool (a lease of the same
/// policy), with an HTTP round trip that runs nothing (the 404 of an unknown run), and with <c>cordon run</c> when the
/// CLI is given. Both pools are refilled outside the timed sections, and a run that went cold is counted as an error;</item>
/// <item>throughput of N concurrent clients, each posting python <c>print(1)</c> runs one after another, through the
/// embedded queue and through NATS JetStream with two workers, and the errors under that load;</item>
/// <item>fairness: tenant B's steady trickle of runs alone, then while tenant A floods the queue (more clients posting
/// back to back than the service runs at once); B's p99 with the flood ÷ B's p99 alone, embedded and over NATS.</item>
/// </list>
/// </summary>
internal static partial class ServiceFigures
{
    private const string PrintOne = """{"runtime": "python3", "files": [{"path": "main.py", "content": "print(1)"}]}""";
    private const string FloodKey = "bench-flood", TrickleKey = "bench-trickle";

    public static async Task<int> RunAsync(string serve, string? cli, int runs, int clients, int perClient)
    {
        int errors = 0;
        int trickle = Math.Max(8, runs / 2);
        string keys = await KeysFileAsync();
        try
        {
            await using (Server local = await Server.StartAsync(serve, ["--warm", "python3"]))
            {
                errors += await LatencyAsync(local.Address, cli, runs);
                errors += await ThroughputAsync(local.Address, clients, perClient, "embedded queue");
            }

            await using (Server local = await Server.StartAsync(serve, ["--api-keys", keys]))
            {
                errors += await FairnessAsync(local.Address, trickle, "embedded queue");
            }

            if (!File.Exists("/usr/sbin/nats-server"))
            {
                Console.WriteLine("service over NATS: skipped (no /usr/sbin/nats-server; scripts/install-deps.sh installs it)");
                return errors;
            }

            string store = Directory.CreateTempSubdirectory("cordon-bench-nats-").FullName;
            int port = FreePort();
            using Process nats = Process.Start(new ProcessStartInfo("/usr/sbin/nats-server", ["-js", "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-sd", store])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
            try
            {
                await WaitForPortAsync(port);
                string url = $"nats://127.0.0.1:{port}";
                // Two workers on this one host share its cores: each takes half the runs at once the embedded queue does
                // (one per core), so both set-ups run as many sandboxes at a time and the figures compare the queues,
                // not an oversubscribed CPU.
                string slots = Math.Max(1, Environment.ProcessorCount / 2).ToString(CultureInfo.InvariantCulture);
                await using Server first = await Server.StartAsync(serve, ["worker", "--queue", url, "--warm", "python3", "--concurrency", slots], "taking runs from");
                await using Server second = await Server.StartAsync(serve, ["worker", "--queue", url, "--warm", "python3", "--concurrency", slots], "taking runs from");
                await using (Server api = await Server.StartAsync(serve, ["--queue", url]))
                {
                    errors += await ThroughputAsync(api.Address, clients, perClient, "NATS JetStream, 2 workers");
                }

                await using (Server api = await Server.StartAsync(serve, ["--queue", url, "--api-keys", keys]))
                {
                    errors += await FairnessAsync(api.Address, trickle, "NATS JetStream, 2 workers");
                }
            }
            finally
            {
                nats.Kill();
                await nats.WaitForExitAsync();
                Directory.Delete(store, recursive: true);
            }
        }
        finally
        {
            File.Delete(keys);
        }

        return errors;
    }

    /// <summary>The service's run, the library's, a bare HTTP round trip (and the CLI's), one after another in each round.</summary>
    private static async Task<int> LatencyAsync(Uri address, string? cli, int runs)
    {
        int errors = 0;
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        var sandbox = new ProcessSandbox(ProcessBackendOptions.Default);
        using var pool = new WarmSandboxPool(sandbox, LibraryPolicy(Path.GetTempPath()), new WarmPoolOptions { Size = WarmSize });
        for (int i = 0; i < 5; i++)
        {
            await PostAsync(http, null); // the first runs build caches on both sides
            await LibraryRunAsync(sandbox);
            await SettleAsync(http, pool);
            await LibraryWarmRunAsync(pool);
        }

        List<double> service = [], library = [], libraryWarm = [], roundTrip = [], command = [];
        int serviceCold = 0, libraryCold = 0;
        for (int i = 0; i < runs; i++)
        {
            await SettleAsync(http, pool);
            long serviceWarmBefore = await ServiceWarmRunsAsync(http);
            long start = Stopwatch.GetTimestamp();
            if (!await PostAsync(http, null)) errors++;
            service.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (await ServiceWarmRunsAsync(http) != serviceWarmBefore + 1) serviceCold++;

            start = Stopwatch.GetTimestamp();
            if (!await LibraryRunAsync(sandbox)) errors++;
            library.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);

            await SettleAsync(http, pool);
            long libraryWarmBefore = pool.Statistics.WarmRuns;
            start = Stopwatch.GetTimestamp();
            if (!await LibraryWarmRunAsync(pool)) errors++;
            libraryWarm.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (pool.Statistics.WarmRuns != libraryWarmBefore + 1) libraryCold++;

            start = Stopwatch.GetTimestamp();
            using (HttpResponseMessage nothing = await http.GetAsync("/v1/runs/00000000000000000000000000000000"))
            {
                if (nothing.StatusCode != HttpStatusCode.NotFound) errors++;
            }

            roundTrip.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (cli is not null) command.Add(ChildProcess.Run([cli, "run", "--quiet", "--profile", "python", "--", "/usr/bin/python3", "-c", "print(1)"]).Milliseconds);
        }

        Stats s = Stats.Of("service", service), l = Stats.Of("library", library), w = Stats.Of("library warm", libraryWarm), r = Stats.Of("round trip", roundTrip);
        Console.WriteLine(FormattableString.Invariant($"service POST /v1/runs?wait=true python print(1), warm pool (--warm python3): p50 {s.Median:0.0} ms, p99 {s.P99:0.0} ms ({s.Count} runs)"));
        Console.WriteLine(FormattableString.Invariant($"library run of the same, cold (python profile, same limits, fresh work directory), interleaved: p50 {l.Median:0.0} ms, p99 {l.P99:0.0} ms"));
        Console.WriteLine(FormattableString.Invariant($"library run of the same through its warm pool (a lease, main.py written into it), interleaved: p50 {w.Median:0.0} ms, p99 {w.P99:0.0} ms"));
        Console.WriteLine(FormattableString.Invariant($"HTTP round trip that runs nothing (404 of an unknown run), interleaved: p50 {r.Median:0.00} ms, p99 {r.P99:0.00} ms"));
        Console.WriteLine(FormattableString.Invariant($"service ÷ library cold: p50 {s.Median / l.Median:0.00}, p99 {s.P99 / l.P99:0.00}; service ÷ library warm: p50 {s.Median / w.Median:0.00}, p99 {s.P99 / w.P99:0.00}"));
        Console.WriteLine(FormattableString.Invariant($"(service − round trip) ÷ library warm: p50 {(s.Median - r.Median) / w.Median:0.00} (target ≤ 1.2); (service − round trip) ÷ library cold: p50 {(s.Median - r.Median) / l.Median:0.00}"));
        if (serviceCold + libraryCold > 0)
        {
            Console.WriteLine($"latency: {serviceCold} service run(s) and {libraryCold} library warm run(s) went cold (counted as errors)");
            errors += serviceCold + libraryCold;
        }
        if (cli is not null)
        {
            Stats c = Stats.Of("cli", command);
            Console.WriteLine(FormattableString.Invariant($"cordon run --profile python -- python3 -c 'print(1)', interleaved: p50 {c.Median:0.0} ms, p99 {c.P99:0.0} ms; service ÷ cli {s.Median / c.Median:0.00} (p50)"));
        }

        if (errors > 0) Console.WriteLine($"latency: {errors} errors");
        return errors;
    }

    /// <summary>python print(1) through the library as the service runs it: the python profile with the service's default limits, main.py in a fresh work directory.</summary>
    private static async Task<bool> LibraryRunAsync(ProcessSandbox sandbox)
    {
        string directory = Directory.CreateTempSubdirectory("cordon-bench-library-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "main.py"), "print(1)");
            SandboxResult result = await sandbox.RunAsync(LibraryPolicy(directory), new SandboxCommand("/usr/bin/python3", ["main.py"]));
            return result.IsSuccess && result.StandardOutput.Bytes.Span.SequenceEqual("1\n"u8);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The same run through the library's warm pool: a lease of the policy, main.py written into its directory, the run, the lease disposed.</summary>
    private static async Task<bool> LibraryWarmRunAsync(WarmSandboxPool pool)
    {
        using WarmLease lease = pool.Lease(pool.Shape);
        await File.WriteAllTextAsync(Path.Combine(lease.WorkDirectory, "main.py"), "print(1)");
        SandboxResult result = await lease.RunAsync(new SandboxCommand("/usr/bin/python3", ["main.py"]));
        return result.IsSuccess && result.StandardOutput.Bytes.Span.SequenceEqual("1\n"u8);
    }

    /// <summary>The service's run policy for python print(1): the python profile with the service's default limits and <paramref name="directory"/>.</summary>
    private static SandboxPolicy LibraryPolicy(string directory)
    {
        if (!BuiltInProfiles.TryGet("python", out RuntimeProfile? profile)) throw new InvalidOperationException("the python profile is missing");
        ResourceLimits basis = profile.Policy.Limits;
        var builder = new SandboxPolicyBuilder(profile.Policy).WithWorkDirectory(directory).WithNetwork(NetworkMode.None)
            .WithWallTime(Min(basis.WallTime, TimeSpan.FromSeconds(10))).WithCpuTime(Min(basis.CpuTime, TimeSpan.FromSeconds(5)))
            .WithMemory(Math.Min(basis.MemoryBytes ?? long.MaxValue, 256L << 20)).WithMaxOutput(Math.Min(basis.MaxOutputBytes ?? long.MaxValue, 1L << 20));
        if (basis.MaxProcesses is { } pids) builder.WithMaxProcesses(pids);
        return builder.Build();
    }

    /// <summary>The size of both warm pools: the service's default (<c>[warm] size</c>) and the library's here.</summary>
    private const int WarmSize = 2;

    /// <summary>Waits, outside every timed section, until the service's python3 pool and the library's are full again.</summary>
    private static async Task SettleAsync(HttpClient http, WarmSandboxPool pool)
    {
        for (int attempt = 0; attempt < 3000; attempt++)
        {
            if (pool.Statistics.Idle >= WarmSize && await ServiceIdleAsync(http) >= WarmSize) return;
            await Task.Delay(10);
        }

        throw new InvalidOperationException($"the warm pools did not refill (library: {pool.Statistics.LastBuildFailure ?? "no failure"})");
    }

    private static async Task<JsonElement> ServicePoolAsync(HttpClient http)
    {
        using JsonDocument health = JsonDocument.Parse(await http.GetStringAsync("/v1/health"));
        return health.RootElement.GetProperty("warm").EnumerateArray().Single(p => p.GetProperty("runtime").GetString() == "python3").Clone();
    }

    private static async Task<int> ServiceIdleAsync(HttpClient http) => (await ServicePoolAsync(http)).GetProperty("idle").GetInt32();

    private static async Task<long> ServiceWarmRunsAsync(HttpClient http) => (await ServicePoolAsync(http)).GetProperty("warmRuns").GetInt64();

    private static TimeSpan Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    private static async Task<bool> PostAsync(HttpClient http, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs?wait=true") { Content = new StringContent(PrintOne, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) return false;
        using JsonDocument view = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return view.RootElement.TryGetProperty("run", out JsonElement run) && run.GetProperty("reason").GetString() == "exit.success"
            && run.GetProperty("stdout").GetString() == "1\n";
    }

    /// <summary><paramref name="clients"/> clients, each posting <paramref name="perClient"/> runs one after another: runs/s over the whole, and the failures.</summary>
    private static async Task<int> ThroughputAsync(Uri address, int clients, int perClient, string where)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        for (int i = 0; i < 3; i++) await PostAsync(http, null);
        int errors = 0;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = 0; i < perClient; i++)
            {
                if (!await PostAsync(http, null)) Interlocked.Increment(ref errors);
            }
        }));
        double perSecond = clients * perClient / Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"service throughput, {where}, {clients} clients × {perClient} python print(1) runs: {perSecond:0.0} runs/s, {errors} errors"));
        return errors;
    }

    /// <summary>
    /// Tenant B posts <paramref name="trickle"/> runs one at a time with a pause between them, alone, then while tenant
    /// A keeps the queue full (many more clients posting back to back than run at once); B's p99 with ÷ without.
    /// </summary>
    private static async Task<int> FairnessAsync(Uri address, int trickle, string where)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        int errors = 0;
        for (int i = 0; i < 3; i++) await PostAsync(http, TrickleKey);

        async Task<List<double>> TrickleAsync()
        {
            List<double> latencies = [];
            for (int i = 0; i < trickle; i++)
            {
                long start = Stopwatch.GetTimestamp();
                if (!await PostAsync(http, TrickleKey)) Interlocked.Increment(ref errors);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                await Task.Delay(100);
            }

            return latencies;
        }

        Stats alone = Stats.Of("alone", await TrickleAsync());

        int floodClients = Math.Max(32, 16 * Environment.ProcessorCount);
        using var stop = new CancellationTokenSource();
        int flooded = 0;
        Task[] flood = [.. Enumerable.Range(0, floodClients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!await PostAsync(http, FloodKey)) Interlocked.Increment(ref errors);
                Interlocked.Increment(ref flooded);
            }
        }))];
        await Task.Delay(2000); // the flood's backlog builds up first
        Stats withFlood = Stats.Of("with flood", await TrickleAsync());
        await stop.CancelAsync();
        await Task.WhenAll(flood);

        Console.WriteLine(FormattableString.Invariant($"fairness, {where}: tenant B's {trickle} runs p50 / p99 alone {alone.Median:0.0} / {alone.P99:0.0} ms, while tenant A floods ({floodClients} clients back to back, {flooded} runs) {withFlood.Median:0.0} / {withFlood.P99:0.0} ms; B's p99 with ÷ without the flood {withFlood.P99 / alone.P99:0.00} (target ≤ 2), {errors} errors"));
        return errors;
    }

    private static async Task<string> KeysFileAsync()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cordon-bench-keys-{Environment.ProcessId}.txt");
        static string Hash(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        await File.WriteAllTextAsync(path, $"flood {Hash(FloodKey)} concurrent=1000 per_minute=100000\ntrickle {Hash(TrickleKey)} concurrent=8 per_minute=100000\n");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"nats-server did not listen on {port}");
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>A cordon-serve process (the service, or a worker), stopped with SIGTERM.</summary>
    private sealed class Server(Process process, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public static async Task<Server> StartAsync(string serve, string[] arguments, string? ready = null)
        {
            var start = new ProcessStartInfo(serve) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in arguments) start.ArgumentList.Add(a);
            if (ready is null)
            {
                start.ArgumentList.Add("--listen");
                start.ArgumentList.Add("127.0.0.1:0");
            }

            Process process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Match m = Listening().Match(line);
                if (m.Success || ready is not null && line.Contains(ready, StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new Server(process, m.Success ? new Uri(m.Groups[1].Value) : new Uri("http://127.0.0.1/"));
                }
            }

            throw new InvalidOperationException($"{serve} {string.Join(' ', arguments)} exited before it was ready");
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                using Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
