using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ModelContextProtocol.Client;

namespace Cordon.Mcp.Tests.Support;

/// <summary>
/// A real <c>cordon-serve</c> on a free loopback port with three API keys (tenants <c>alpha</c>, <c>beta</c>, and <c>gamma</c> for the js tier only) and its
/// own TMPDIR, serving <c>/mcp</c>; its stderr log is kept so a test can find the MCP work root and check what is left.
/// </summary>
internal sealed partial class McpServeProcess : IAsyncDisposable
{
    public const string KeyA = "alpha-secret-key";
    public const string KeyB = "beta-secret-key";

    /// <summary>Tenant <c>gamma</c>'s key, which may use the js tier only.</summary>
    public const string KeyJsOnly = "gamma-secret-key";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private McpServeProcess(Process process, string temporary)
    {
        _process = process;
        Temporary = temporary;
    }

    public Uri Address { get; private set; } = null!;

    public Uri McpEndpoint => new(Address, "mcp");

    public string Temporary { get; }

    /// <summary>Where the MCP endpoint keeps its workspaces (named in its first log line).</summary>
    public string WorkRoot { get; private set; } = "";

    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>The built executable: src/Cordon.Service/bin/CONFIG/TFM/cordon-serve, found from this test's output directory.</summary>
    public static string Executable
    {
        get
        {
            DirectoryInfo output = new(AppContext.BaseDirectory.TrimEnd('/'));
            string path = Path.Combine(Repository.Root, "src", "Cordon.Service", "bin", output.Parent!.Name, output.Name, "cordon-serve");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Cordon.Service first", path);
        }
    }

    /// <summary>Starts the service with both keys (or none, when <paramref name="withKeys"/> is false) and <paramref name="extra"/> options.</summary>
    public static async Task<McpServeProcess> StartAsync(bool withKeys, IReadOnlyDictionary<string, string>? environment = null, params string[] extra)
    {
        string temporary = Directory.CreateTempSubdirectory("cordon-mcp-serve-test-").FullName;
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add("127.0.0.1:0");
        if (withKeys)
        {
            string keys = Path.Combine(temporary, "keys");
            await File.WriteAllTextAsync(keys, $"alpha {Hash(KeyA)} concurrent=16 per_minute=1000\nbeta {Hash(KeyB)} concurrent=16 per_minute=1000\ngamma {Hash(KeyJsOnly)} tiers=js\n");
            start.ArgumentList.Add("--api-keys");
            start.ArgumentList.Add(keys);
        }

        foreach (string a in extra) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = temporary;
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var serve = new McpServeProcess(Process.Start(start)!, temporary);
        serve._process.ErrorDataReceived += (_, e) =>
        {
            lock (serve._stderr) serve._stderr.AppendLine(e.Data);
        };
        serve._process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(McpServerProcess.SafetyNet);
        while (serve.Address is null)
        {
            string? line = await serve._process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                await serve._process.WaitForExitAsync(timeout.Token);
                throw new InvalidOperationException($"cordon-serve exited {serve._process.ExitCode} before listening: {serve.Stderr}");
            }

            if (Listening().Match(line) is { Success: true } m) serve.Address = new Uri(m.Groups[1].Value);
        }

        _ = serve._process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        await McpServerProcess.PollUntilAsync(() => ServingLine().IsMatch(serve.Stderr), 20);
        serve.WorkRoot = ServingLine().Match(serve.Stderr).Groups[1].Value;
        return serve;
    }

    /// <summary>The C# SDK's own client over Streamable HTTP, sending <paramref name="key"/> as the bearer token.</summary>
    public Task<McpClient> ConnectAsync(string? key)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = key is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
        });
        return McpClient.CreateAsync(transport).WaitAsync(McpServerProcess.SafetyNet);
    }

    /// <summary>The session workspaces that exist now.</summary>
    public string[] SessionWorkspaces() => Directory.Exists(WorkRoot) ? Directory.GetDirectories(WorkRoot, "session-*") : [];

    /// <summary>Stops the service with SIGTERM, as a service manager does, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync().WaitAsync(McpServerProcess.SafetyNet);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(Temporary, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Hash(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"serving MCP on /mcp; .* workspaces under (\S+)")]
    private static partial Regex ServingLine();
}
