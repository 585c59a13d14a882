using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cordon.Benchmarks;

/// <summary>
/// The service's figures, against real processes: the latency of <c>POST /v1/runs?wait=true</c> for /bin/true
/// interleaved with <c>cordon run -- /bin/true</c>, and the throughput of N concurrent clients through the embedded
/// queue and through NATS JetStream with one worker (a nats-server of its own on a free port).
/// </summary>
internal static partial class ServiceFigures
{
    private const string TrueRun = """{"argv": ["/bin/true"]}""";

    public static async Task<int> RunAsync(string serve, string? cli, int runs, int clients, int perClient)
    {
        int errors = 0;
        await using (Server local = await Server.StartAsync(serve, []))
        {
            using var http = new HttpClient { BaseAddress = local.Address, Timeout = TimeSpan.FromMinutes(2) };
            for (int i = 0; i < 5; i++) await PostAsync(http); // warm: JIT-free (NativeAOT), but the first runs build caches
            List<double> service = [], command = [];
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                if (!await PostAsync(http)) errors++;
                service.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (cli is not null) command.Add(ChildProcess.Run([cli, "run", "--quiet", "--", "/bin/true"]).Milliseconds);
            }

            Stats s = Stats.Of("service", service);
            Console.WriteLine(FormattableString.Invariant($"service POST /v1/runs?wait=true /bin/true: p50 {s.Median:0.00} ms, p99 {s.P99:0.00} ms ({s.Count} runs)"));
            if (cli is not null)
            {
                Stats c = Stats.Of("cli", command);
                Console.WriteLine(FormattableString.Invariant($"cli run -- /bin/true, interleaved: p50 {c.Median:0.00} ms, p99 {c.P99:0.00} ms; service ÷ cli {s.Median / c.Median:0.00} (p50)"));
            }

            (double perSecond, int failed) = await ThroughputAsync(local.Address, clients, perClient);
            errors += failed;
            Console.WriteLine(FormattableString.Invariant($"service throughput, embedded queue, {clients} clients: {perSecond:0.0} runs/s, {failed} errors"));
        }

        if (!File.Exists("/usr/sbin/nats-server"))
        {
            Console.WriteLine("service throughput over NATS: skipped (no /usr/sbin/nats-server; scripts/install-deps.sh installs it)");
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
            await using Server worker = await Server.StartAsync(serve, ["worker", "--queue", url], "taking runs from");
            await using Server api = await Server.StartAsync(serve, ["--queue", url]);
            using (var http = new HttpClient { BaseAddress = api.Address })
            {
                for (int i = 0; i < 5; i++) await PostAsync(http);
            }

            (double perSecond, int failed) = await ThroughputAsync(api.Address, clients, perClient);
            errors += failed;
            Console.WriteLine(FormattableString.Invariant($"service throughput, NATS JetStream with 1 worker, {clients} clients: {perSecond:0.0} runs/s, {failed} errors"));
        }
        finally
        {
            nats.Kill();
            await nats.WaitForExitAsync();
            Directory.Delete(store, recursive: true);
        }

        return errors;
    }

    private static async Task<bool> PostAsync(HttpClient http)
    {
        using HttpResponseMessage response = await http.PostAsync("/v1/runs?wait=true", new StringContent(TrueRun, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) return false;
        using JsonDocument view = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return view.RootElement.TryGetProperty("run", out JsonElement run) && run.GetProperty("reason").GetString() == "exit.success";
    }

    /// <summary><paramref name="clients"/> clients, each posting <paramref name="perClient"/> runs one after another; runs/s over the whole and the failures.</summary>
    private static async Task<(double PerSecond, int Errors)> ThroughputAsync(Uri address, int clients, int perClient)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        int errors = 0;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int i = 0; i < perClient; i++)
            {
                if (!await PostAsync(http)) Interlocked.Increment(ref errors);
            }
        }));
        return (clients * perClient / Stopwatch.GetElapsedTime(start).TotalSeconds, errors);
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
