namespace Cordon.Mcp.Sessions;

/// <summary>One session: whose it is, its workspace, when it was last used, and the lock that lets one call at a time touch it.</summary>
internal sealed class Session(string id, string owner, Workspace workspace) : IDisposable
{
    private long _lastUsedTicks = Environment.TickCount64;

    public string Id { get; } = id;

    /// <summary>The caller that started it (<see cref="McpCaller.Owner"/>); no other caller can reach it.</summary>
    public string Owner { get; } = owner;

    public Workspace Workspace { get; } = workspace;

    /// <summary>Runs and file calls on one session take turns: a file call never races a run that is changing the workspace.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public bool Stopped { get; set; }

    public TimeSpan IdleFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsedTicks));

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, Environment.TickCount64);

    public void Dispose() => Lock.Dispose();
}
