using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Cordon.Service;
using Cordon.Service.Auth;
using Cordon.Service.Mcp;

const string Usage = """
    usage: cordon serve [--listen HOST:PORT] [--api-keys FILE] [--concurrency N] [--queue-capacity N]
                        [--mcp-policy FILE|PROFILE] [--mcp-sessions N] [--mcp-session-idle D]
           cordon serve hash-key SECRET

    Runs untrusted code over HTTP: the native API under /v1 (POST /v1/runs, GET /v1/runs/{id}, its events as
    Server-Sent Events, DELETE to cancel, /v1/runtimes, /v1/health) and Piston's /api/v2/runtimes and /api/v2/execute.
    --listen defaults to 127.0.0.1:2000 (port 0 picks a free one). Without --api-keys the service needs no key and
    listens on loopback only; any other address needs a keys file (one line per key: TENANT sha256:HEX
    [concurrent=N] [per_minute=N] [tiers=a,b]; `hash-key` prints the sha256: form of a secret).
    /mcp serves the tools of `cordon mcp` over MCP Streamable HTTP with the same keys (docs/mcp.md): --mcp-policy is
    the ceiling of every call (default the "python" profile), --mcp-sessions the sessions one key may hold (default 8),
    --mcp-session-idle when an unused one is stopped (default 10m).
    Exit codes: 0 stopped, 2 usage error, 125 the server could not start.
    """;

IPEndPoint listen = new(IPAddress.Loopback, 2000);
string? keysFile = null;
var ceilings = new ServiceCeilings();
var mcp = new McpEndpointOptions();
if (args is ["hash-key", var secret])
{
    Console.Out.WriteLine(ApiKeyFile.Hash(secret));
    return 0;
}

for (int i = 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--help" or "-h":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--listen" when value is not null:
            if (!IPEndPoint.TryParse(value, out IPEndPoint? endpoint) || !value.Contains(':', StringComparison.Ordinal))
                return UsageError($"--listen '{value}' is not HOST:PORT with an IP address, e.g. 127.0.0.1:2000 or [::1]:2000");
            listen = endpoint;
            i++;
            break;
        case "--api-keys" when value is not null:
            keysFile = value;
            i++;
            break;
        case "--concurrency" when value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is > 0 and <= 1024:
            ceilings = ceilings with { Concurrency = c };
            i++;
            break;
        case "--queue-capacity" when value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int q) && q is > 0 and <= 100_000:
            ceilings = ceilings with { QueueCapacity = q };
            i++;
            break;
        case var option when McpEndpointOptions.Owns(option) && value is not null:
            if (mcp.Set(option, value) is { } problem) return UsageError(problem);
            i++;
            break;
        default:
            return UsageError($"unexpected argument '{args[i]}'");
    }
}

if (mcp.Finish() is { } mcpProblem) return UsageError(mcpProblem);

ImmutableArray<ApiKey> keys = [];
if (keysFile is not null)
{
    try
    {
        keys = ApiKeyFile.Load(keysFile);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
    {
        return UsageError($"--api-keys: {e.Message}");
    }
}
else if (!IPAddress.IsLoopback(listen.Address))
{
    return UsageError($"refusing to listen on {listen} without --api-keys FILE: anyone who can reach that address could run code on this machine. Listen on 127.0.0.1 or give a keys file");
}

using var stop = new CancellationTokenSource();
ServiceHost host;
try
{
    host = await ServiceHost.StartAsync(listen, keys, ceilings, mcp, stop.Token);
}
catch (IOException e)
{
    Console.Error.WriteLine($"cordon serve: cannot listen on {listen} ({e.Message}); choose another --listen");
    return 125;
}

await using (host)
{
    Console.Out.WriteLine($"cordon serve: listening on {host.Address}");
    Console.Out.WriteLine(keys.IsEmpty
        ? "cordon serve: no API keys: loopback only, and every local user and process can run code here"
        : $"cordon serve: {keys.Length} API key(s) from {keysFile}; every request needs 'Authorization: Bearer KEY'");
    Console.Out.Flush();
    await host.WaitAsync(CancellationToken.None);
}

return 0;

static int UsageError(string message)
{
    Console.Error.WriteLine($"cordon serve: {message}\n{Usage}");
    return 2;
}
