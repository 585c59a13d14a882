namespace Cordon.Diagnostics;

/// <summary>One row of <c>cordon doctor</c>: a layer, how this host provides it, and how to fix it.</summary>
/// <param name="Layer">Short name: <c>bubblewrap</c>, <c>user-namespaces</c>, <c>cgroups</c>...</param>
/// <param name="Status">Available, degraded, missing, or info.</param>
/// <param name="Detail">What was found (versions, paths, the kernel's answer).</param>
/// <param name="Fix">What to do when the status is not <see cref="LayerStatus.Available"/>; null otherwise.</param>
/// <param name="Required">Whether the default policy needs it: a required layer that is not available makes doctor fail.</param>
public sealed record HostCheck(string Layer, LayerStatus Status, string Detail, string? Fix, bool Required);
