using System.Diagnostics;
using Cordon.Mcp.Tests.Support;

namespace Cordon.Mcp.Tests;

/// <summary>The official TypeScript MCP client (npm @modelcontextprotocol/sdk, installed by scripts/install-deps.sh) drives cordon mcp over stdio.</summary>
public sealed class TypeScriptClientTests
{
    [Fact]
    public async Task The_typescript_client_lists_and_calls_every_kind_of_tool()
    {
        string directory = Path.Combine(Repository.Root, "tests", "Cordon.Mcp.Tests", "typescript");
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "@modelcontextprotocol", "sdk")), "run scripts/install-deps.sh: it installs the TypeScript MCP client");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "client.mjs", "dotnet", McpServerProcess.CordonDll, "mcp" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(McpServerProcess.SafetyNet);
        Assert.True(process.ExitCode == 0, $"client.mjs failed:\n{await stderr}\n{await stdout}");
        Assert.Contains("\"tools\":8", await stdout, StringComparison.Ordinal);
    }
}
