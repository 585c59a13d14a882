namespace Cordon.Mcp.Tests.Support;

/// <summary>One real server shared by the tests of a class (under the default ceiling), stopped when they are done.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    internal McpServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await McpServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
