namespace Cordon.PolicyFiles.Audit;

/// <summary>One observation about a policy: what is open, why it matters, and how to close it.</summary>
/// <param name="Id">Stable identifier for tooling, e.g. <c>network.host</c> or <c>syscalls.blocklist</c>.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Key">The policy key it is about, e.g. <c>mounts[0]</c>, <c>limits.memory</c>.</param>
/// <param name="Title">What is open (or closed), naming the door.</param>
/// <param name="Why">One sentence: why it matters.</param>
/// <param name="Fix">How to tighten it, or null when nothing needs doing.</param>
public sealed record AuditFinding(string Id, FindingSeverity Severity, string Key, string Title, string Why, string? Fix = null);
