namespace Cordon.Service.Tests;

/// <summary>One real service per test class; stopping it must leave nothing behind.</summary>
public class ServeFixture : IAsyncLifetime
{
    public ServeProcess Serve { get; private set; } = null!;

    protected virtual string[] Arguments => [];

    public async Task InitializeAsync() => Serve = await ServeProcess.StartAsync(Arguments);

    public virtual async Task DisposeAsync()
    {
        int code = await Serve.StopAsync();
        IReadOnlyList<string> left = Serve.Leftovers();
        string stderr = Serve.Stderr;
        await Serve.DisposeAsync();
        Assert.True(code == 0, $"cordon-serve exited {code}: {stderr}");
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
    }
}
