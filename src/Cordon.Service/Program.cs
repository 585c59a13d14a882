using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Cordon.Service;
using Cordon.Service.Auth;
using Cordon.Service.Config;
using Cordon.Service.Distributed;
using Cordon.Service.Mcp;
using NATS.Client.Core;

const string Usage = """
    usage: cordon serve [--config FILE] [--listen HOST:PORT] [--api-keys FILE] [--concurrency N] [--queue-capacity N]
                        [--queue nats://HOST:PORT] [--playground] [--warm RUNTIME,...]
                        [--mcp-policy FILE|PROFILE] [--mcp-sessions N] [--mcp-session-idle D]
           cordon worker [--config FILE] --queue nats://HOST:PORT [--concurrency N] [--ack-wait SECONDS] [--max-attempts N]
                         [--warm RUNTIME,...]
           cordon serve hash-key SECRET

    Runs untrusted code over HTTP: the native API under /v1 (POST /v1/runs, GET /v1/runs/{id}, its events as
    Server-Sent Events, DELETE to cancel, /v1/runtimes, /v1/health) and Piston's /api/v2/runtimes and /api/v2/execute.
    --listen defaults to 127.0.0.1:2000 (port 0 picks a free one). Without --api-keys the service needs no key and
    listens on loopback only; any other address needs a keys file (one line per key: TENANT sha256:HEX
    [concurrent=N] [per_minute=N] [tiers=a,b]; `hash-key` prints the sha256: form of a secret).
    With --queue, runs go onto a NATS JetStream work queue and `cordon worker` processes (any number, any host)
    run them; without it they run here. --config reads the same settings (and ceilings, runtimes, run uids) from a
    TOML file (docs/service.md); options given as well override it.
    --warm keeps pre-built sandboxes ready for these process-tier runtimes (python3, node, bash, c, c++), each built
    for the runtime's default limits, so a run that names no other limits starts warm (size and idle time: [warm]).
    /mcp serves the tools of `cordon mcp` over MCP Streamable HTTP with the same keys (docs/mcp.md): --mcp-policy is
    the ceiling of every call (default the "python" profile), --mcp-sessions the sessions one key may hold (default 8),
    --mcp-session-idle when an unused one is stopped (default 10m).
    Exit codes: 0 stopped, 2 usage error, 125 the server could not start.
    """;

if (args is ["hash-key", var secret])
{
    Console.Out.WriteLine(ApiKeyFile.Hash(secret));
    return 0;
}

bool worker = args is ["worker", ..];
string command = worker ? "cordon worker" : "cordon serve";
var options = new ServeOptions();
var mcp = new McpEndpointOptions();
if (Environment.GetEnvironmentVariable("CORDON_RUN_UIDS") is { Length: > 0 } uids)
{
    try
    {
        options = options with { RunIdentities = Cordon.Backends.Process.Identity.HostIdentityRange.Parse(uids) };
    }
    catch (FormatException e)
    {
        return UsageError($"CORDON_RUN_UIDS: {e.Message}");
    }
}

// The config file first, wherever --config stands, so that every other option overrides it.
int configAt = Array.IndexOf(args, "--config");
if (configAt >= 0)
{
    if (configAt + 1 >= args.Length) return UsageError("--config needs a FILE");
    try
    {
        options = ServeConfigFile.Load(args[configAt + 1], options);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return UsageError($"--config: {e.Message}");
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine(string.Join('\n', e.Message.Split('\n').Select(line => $"{command}: {line}")));
        return 2;
    }
}

for (int i = worker ? 1 : 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--config" when value is not null:
            i++;
            break;
        case "--playground" when !worker:
            options = options with { Playground = true };
            break;
        case "--help" or "-h":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--listen" when value is not null && !worker:
            if (!IPEndPoint.TryParse(value, out IPEndPoint? endpoint) || !value.Contains(':', StringComparison.Ordinal))
                return UsageError($"--listen '{value}' is not HOST:PORT with an IP address, e.g. 127.0.0.1:2000 or [::1]:2000");
            options = options with { Listen = endpoint };
            i++;
            break;
        case "--api-keys" when value is not null && !worker:
            options = options with { KeysFile = value };
            i++;
            break;
        case "--concurrency" when value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is > 0 and <= 1024:
            options = options with { Ceilings = options.Ceilings with { Concurrency = c } };
            i++;
            break;
        case "--queue-capacity" when value is not null && !worker && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q is > 0 and <= 100_000:
            options = options with { Ceilings = options.Ceilings with { QueueCapacity = q } };
            i++;
            break;
        case "--warm" when value is not null:
            string[] warmNames = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (warmNames.FirstOrDefault(n => !Cordon.Service.Warm.WarmSettings.PoolableRuntimes.Contains(n)) is { } notPoolable)
                return UsageError($"--warm '{notPoolable}' is not a process-tier runtime; give a comma-separated list of {string.Join(", ", Cordon.Service.Warm.WarmSettings.PoolableRuntimes)}");
            options = options with { Warm = options.Warm with { Runtimes = [.. warmNames] } };
            i++;
            break;
        case "--queue" when value is not null:
            if (NatsBus.ParseUrl(value, out string? problem) is not { } url) return UsageError($"--queue {problem}");
            options = options with { Queue = url };
            i++;
            break;
        case "--ack-wait" when value is not null && worker && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int a) && a is >= 3 and <= 3600:
            options = options with { AckWait = TimeSpan.FromSeconds(a) };
            i++;
            break;
        case "--max-attempts" when value is not null && worker && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m is > 0 and <= 100:
            options = options with { MaxAttempts = m };
            i++;
            break;
        case var option when !worker && McpEndpointOptions.Owns(option) && value is not null:
            if (mcp.Set(option, value) is { } mcpOption) return UsageError(mcpOption);
            i++;
            break;
        default:
            return UsageError(value is not null && args[i].StartsWith("--", StringComparison.Ordinal) && IsOption(args[i])
                ? $"'{args[i]} {value}' is not valid here (see the ranges in --help)"
                : $"unexpected argument '{args[i]}'");
    }
}

// Runs happen in this process (a worker, or serve without a queue): its warm pools must leave uids for the runs.
if ((worker || options.Queue is null) && options.Warm.UidProblem(options.Ceilings.Concurrency, options.RunIdentities) is { } uidProblem)
    return UsageError(uidProblem);

if (worker) return await RunWorkerAsync(options);
if (mcp.Finish() is { } mcpProblem) return UsageError(mcpProblem);

if (options.KeysFile is { } keysFile)
{
    try
    {
        options = options with { Keys = ApiKeyFile.Load(keysFile) };
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
    {
        return UsageError($"--api-keys: {e.Message}");
    }
}
else if (!IPAddress.IsLoopback(options.Listen.Address))
{
    return UsageError($"refusing to listen on {options.Listen} without --api-keys FILE: anyone who can reach that address could run code on this machine. Listen on 127.0.0.1 or give a keys file");
}

using var stop = new CancellationTokenSource();
ServiceHost host;
try
{
    host = await ServiceHost.StartAsync(options, mcp, line => Console.Out.WriteLine(line), stop.Token);
}
catch (IOException e)
{
    Console.Error.WriteLine($"cordon serve: cannot listen on {options.Listen} ({e.Message}); choose another --listen");
    return 125;
}
catch (NatsException e)
{
    Console.Error.WriteLine($"cordon serve: cannot use the queue {options.Queue} ({e.Message}); start nats-server -js there or fix --queue");
    return 125;
}

await using (host)
{
    Console.Out.WriteLine($"cordon serve: listening on {host.Address}");
    Console.Out.WriteLine(options.Keys.IsEmpty
        ? "cordon serve: no API keys: loopback only, and every local user and process can run code here"
        : $"cordon serve: {options.Keys.Length} API key(s) from {options.KeysFile}; every request needs 'Authorization: Bearer KEY'");
    if (options.Playground) Console.Out.WriteLine($"cordon serve: the playground is at {host.Address}");
    if (options.Queue is { } queue) Console.Out.WriteLine($"cordon serve: runs go to the workers on {queue} (cordon worker --queue {queue})");
    Console.Out.Flush();
    await host.WaitAsync(CancellationToken.None);
}

return 0;

async Task<int> RunWorkerAsync(ServeOptions options)
{
    if (options.Queue is not { } queue) return UsageError("--queue nats://HOST:PORT is required: the queue cordon serve --queue puts runs on");
    using var stop = new CancellationTokenSource();
    using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    try
    {
        await WorkerHost.RunAsync(options, queue, line =>
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }, stop.Token);
    }
    catch (NatsException e)
    {
        Console.Error.WriteLine($"cordon worker: cannot use the queue {queue} ({e.Message}); start nats-server -js there or fix --queue");
        return 125;
    }

    return 0;

    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}

static bool IsOption(string name) => name is "--config" or "--listen" or "--api-keys" or "--concurrency" or "--queue-capacity" or "--queue" or "--ack-wait" or "--max-attempts" or "--warm" || McpEndpointOptions.Owns(name);

int UsageError(string message)
{
    Console.Error.WriteLine($"{command}: {message}\n{Usage}");
    return 2;
}
