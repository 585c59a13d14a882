namespace Cordon.Execution;

/// <summary>A connection the guest tried that its network policy does not allow, refused before it left the sandbox.</summary>
/// <param name="Address">The destination address as the guest gave it (IPv4-mapped IPv6 written as IPv4).</param>
/// <param name="Port">The destination port.</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="Reason">Why it was refused, e.g. <c>address not allowed</c> or <c>port not allowed</c>.</param>
/// <param name="Count">How many times this destination was refused for this reason.</param>
public sealed record NetworkViolation(string Address, int Port, string Protocol, string Reason, long Count);
