namespace Cordon.Execution;

/// <summary>A connection or name lookup the guest tried that its network policy does not allow, refused before it left the sandbox.</summary>
/// <param name="Address">The destination address as the guest gave it (IPv4-mapped IPv6 written as IPv4); empty for a refused name lookup.</param>
/// <param name="Port">The destination port (53 for a refused name lookup).</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="Reason">Why it was refused, e.g. <c>address not allowed</c>, <c>port not allowed</c> or <c>name not allowed</c>.</param>
/// <param name="Count">How many times this destination was refused for this reason.</param>
public sealed record NetworkViolation(string Address, int Port, string Protocol, string Reason, long Count)
{
    /// <summary>The host name involved: the name looked up, or the allowed name the address was resolved from; null when none.</summary>
    public string? Host { get; init; }

    /// <summary>Which call was refused: <c>connect</c>, <c>sendto</c>, <c>bind</c>, <c>listen</c>, or <c>dns</c> for a name the stub would not resolve.</summary>
    public string? Via { get; init; }
}
