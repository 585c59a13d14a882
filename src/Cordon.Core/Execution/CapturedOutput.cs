namespace Cordon.Execution;

/// <summary>Untrusted bytes a guest wrote to one stream, capped.</summary>
/// <param name="Bytes">The kept bytes (at most the policy's output cap).</param>
/// <param name="TotalBytes">Everything the guest wrote, including dropped bytes.</param>
/// <param name="Truncated">Whether bytes were dropped at the cap.</param>
public sealed record CapturedOutput(ReadOnlyMemory<byte> Bytes, long TotalBytes, bool Truncated)
{
    /// <summary>No output.</summary>
    public static CapturedOutput Empty { get; } = new(ReadOnlyMemory<byte>.Empty, 0, false);
}
