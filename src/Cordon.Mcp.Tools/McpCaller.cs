using System.Collections.Immutable;

namespace Cordon.Mcp;

/// <summary>
/// Who makes a call, as its transport knows them. Sessions belong to their <see cref="Owner"/>: another caller naming
/// the id is told there is no such session. Over stdio the one client is the owner; over HTTP it is the API key's tenant.
/// </summary>
/// <param name="Owner">Whose sessions the caller may use (a tenant name; never shown to another caller).</param>
internal sealed record McpCaller(string Owner)
{
    /// <summary>The one client of a stdio server.</summary>
    public static McpCaller Stdio { get; } = new("stdio");

    /// <summary>The tiers the caller may use (an API key's <c>tiers=</c>); empty means every tier of the server.</summary>
    public ImmutableArray<string> Tiers { get; init; } = [];

    /// <summary>
    /// Takes one run of the caller's quota before its run starts, or throws an <see cref="ModelContextProtocol.McpProtocolException"/>
    /// saying which quota is spent; disposing the result gives the run back. Null when the caller has no quota of its own.
    /// </summary>
    public Func<IDisposable>? AdmitRun { get; init; }
}
