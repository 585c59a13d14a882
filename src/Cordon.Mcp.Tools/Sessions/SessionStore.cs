using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cordon.Mcp.Tools;

namespace Cordon.Mcp.Sessions;

/// <summary>
/// The server's sessions, each one workspace under the server's work root and owned by the caller that started it.
/// Bounded in number, in all and per caller; a session idle longer than the configured time is stopped and its
/// workspace deleted by a sweep; every session is deleted when the server stops. A session id names a session only to
/// its owner: to anyone else it is unknown, so a leaked or guessed id is worth nothing to another API key.
/// </summary>
internal sealed class SessionStore : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ServerConfiguration _configuration;
    private readonly Timer _sweep;
    private readonly Lock _startLock = new();

    public SessionStore(ServerConfiguration configuration)
    {
        _configuration = configuration;
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(configuration.SessionIdle.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _sweep = new Timer(_ => SweepIdle(), null, period, period);
    }

    public int Count => _sessions.Count;

    public Session Start(string tool, McpCaller caller)
    {
        lock (_startLock)
        {
            int mine = _sessions.Values.Count(s => s.Owner == caller.Owner);
            if (mine >= _configuration.MaxSessionsPerCaller)
                throw ToolArguments.Invalid(tool, "session", $"you already have {mine} sessions, the most one caller may hold; session_stop one you no longer need");
            if (_sessions.Count >= _configuration.MaxSessions)
                throw ToolArguments.Invalid(tool, "session", $"the server already has {_configuration.MaxSessions} sessions (its limit); session_stop one you no longer need");
            string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var session = new Session(id, caller.Owner, Workspace.Create(_configuration.WorkRoot, "session-"));
            _sessions[id] = session;
            McpLog.Write($"session {id} started by {caller.Owner}");
            return session;
        }
    }

    /// <summary>The caller's session <paramref name="id"/>, locked for the caller; dispose the result to release it.</summary>
    public async Task<SessionLease> AcquireAsync(string tool, string id, McpCaller caller, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(id, out Session? session) || session.Owner != caller.Owner)
            throw ToolArguments.Invalid(tool, "session_id", $"there is no session '{Clip(id)}' (it was stopped, expired after {McpLog.Duration(_configuration.SessionIdle)} idle, or never existed); call session_start");
        await session.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (session.Stopped)
        {
            session.Lock.Release();
            throw ToolArguments.Invalid(tool, "session_id", $"session '{Clip(id)}' was stopped; call session_start");
        }

        session.Touch();
        return new SessionLease(session);
    }

    /// <summary>Stops the caller's session <paramref name="id"/>; false when the caller has no such session.</summary>
    public Task<bool> StopAsync(string id, McpCaller caller)
        => _sessions.TryGetValue(id, out Session? session) && session.Owner == caller.Owner ? StopAsync(id) : Task.FromResult(false);

    /// <summary>Stops session <paramref name="id"/>, whoever owns it (the server ending it); false when it is already gone.</summary>
    public async Task<bool> StopAsync(string id)
    {
        if (!_sessions.TryRemove(id, out Session? session)) return false;
        await session.Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            Close(session, "stopped");
        }
        finally
        {
            session.Lock.Release();
        }

        return true;
    }

    private void SweepIdle()
    {
        foreach (Session session in _sessions.Values)
        {
            if (session.IdleFor < _configuration.SessionIdle || !session.Lock.Wait(0)) continue;
            try
            {
                if (session.IdleFor >= _configuration.SessionIdle && _sessions.TryRemove(session.Id, out _)) Close(session, "expired (idle)");
            }
            finally
            {
                session.Lock.Release();
            }
        }
    }

    private static void Close(Session session, string why)
    {
        session.Stopped = true;
        session.Workspace.Delete();
        McpLog.Write($"session {session.Id} {why}; workspace deleted");
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync().ConfigureAwait(false);
        foreach (string id in _sessions.Keys) await StopAsync(id).ConfigureAwait(false);
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>A session held by one call; disposing it marks the session used and lets the next call in.</summary>
internal readonly struct SessionLease(Session session) : IDisposable
{
    public Session Session { get; } = session;

    public void Dispose()
    {
        Session.Touch();
        Session.Lock.Release();
    }
}
