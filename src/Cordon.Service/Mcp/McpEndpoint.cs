using System.Collections.Immutable;
using Cordon.Mcp;
using Cordon.Service.Api;
using Cordon.Service.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;

namespace Cordon.Service.Mcp;

/// <summary>
/// <c>/mcp</c>: the tools of <c>cordon mcp</c> over MCP Streamable HTTP, behind the service's API keys. Stateless
/// (each POST stands alone, as the protocol's 2026-07-28 revision has it): what persists is a Cordon session, owned by
/// the key that started it and bounded in count per key. Runs take the key's quotas and tiers like the native API's.
/// </summary>
internal sealed class McpEndpoint
{
    public const string Path = "/mcp";
    private static readonly object KeyItem = new();

    private readonly McpToolServer _tools;
    private readonly string _workRoot;

    private McpEndpoint(McpToolServer tools, string workRoot)
    {
        _tools = tools;
        _workRoot = workRoot;
    }

    /// <summary>Registers the MCP server on <paramref name="builder"/>; call <see cref="Map"/> on the built app.</summary>
    public static McpEndpoint Add(WebApplicationBuilder builder, McpEndpointOptions options, ImmutableArray<ApiKey> keys, int concurrency)
    {
        McpLog.Prefix = "cordon serve: mcp";
        string workRoot = Directory.CreateTempSubdirectory("cordon-serve-mcp-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(workRoot, "audit"));
        var configuration = new ServerConfiguration(options.Ceiling, options.CeilingName)
        {
            WorkRoot = workRoot,
            SessionIdle = options.SessionIdle,
            MaxSessionsPerCaller = options.SessionsPerKey,
            // Every key its own share; without keys there is one caller.
            MaxSessions = options.SessionsPerKey * Math.Max(1, keys.Length),
            MaxConcurrentRuns = concurrency,
            RunIdentities = options.RunIdentities,
        };
        var endpoint = new McpEndpoint(new McpToolServer(configuration), workRoot);
        // A service that never starts (its address taken) never stops either: its work root still goes on exit.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => endpoint.DeleteWorkRoot();
        builder.Services.AddMcpServer().WithHttpTransport(http =>
        {
            http.SessionMode = HttpServerSessionMode.Stateless;
            http.ConfigureSessionOptions = (context, server, _) =>
            {
                endpoint._tools.Configure(server, (McpCaller)context.Items[KeyItem]!);
                return Task.CompletedTask;
            };
        });
        return endpoint;
    }

    /// <summary>Maps <c>/mcp</c> behind <paramref name="gate"/>, and deletes every workspace when the app stops.</summary>
    public void Map(WebApplication app, TenantGate gate)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            ApiKey key;
            try
            {
                key = gate.Authenticate(context.Request.Headers.Authorization);
            }
            catch (ProblemException problem)
            {
                await Http.WriteProblemAsync(context, problem);
                return;
            }

            context.Items[KeyItem] = CallerOf(key, gate);
            await next(context);
        }));
        app.MapMcp(Path);
        McpLog.Write($"serving MCP on {Path}; ceiling policy {_tools.Configuration.CeilingName}; workspaces under {_workRoot}");
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            _tools.DisposeAsync().AsTask().GetAwaiter().GetResult();
            DeleteWorkRoot();
        });
    }

    private void DeleteWorkRoot()
    {
        try
        {
            Directory.Delete(_workRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>The key as an MCP caller: its tenant owns its sessions, and each run takes the key's quotas and tiers.</summary>
    private static McpCaller CallerOf(ApiKey key, TenantGate gate) => new(key.Tenant)
    {
        Tiers = key.Tiers,
        AdmitRun = () =>
        {
            string id = Cordon.Events.RunEvents.NewRunId();
            try
            {
                // The tools' admission hook is synchronous; the embedded count answers at once, a shared one after a round trip.
                gate.AdmitAsync(key, id, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            catch (ProblemException problem)
            {
                string retry = problem.RetryAfterSeconds is { } s ? $"; retry in {s}s" : "";
                throw new McpProtocolException($"{problem.Problem.Title}: {problem.Problem.Detail}{retry}", McpErrorCode.InvalidRequest);
            }

            return new Admitted(gate, key, id);
        },
    };

    private sealed class Admitted(TenantGate gate, ApiKey key, string id) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) _ = gate.ReleaseAsync(key, id).AsTask();
        }
    }
}
