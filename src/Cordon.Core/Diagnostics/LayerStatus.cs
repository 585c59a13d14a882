namespace Cordon.Diagnostics;

/// <summary>How well this host provides one protection layer.</summary>
public enum LayerStatus
{
    /// <summary>Works as Cordon's default policy needs it.</summary>
    Available,

    /// <summary>Partly there: runs go ahead with a weaker protection and say so in their warnings.</summary>
    Degraded,

    /// <summary>Not there: runs that need it fail (or, for an optional tier, the tier cannot be used).</summary>
    Missing,

    /// <summary>A fact about the host that is not a layer (a container, the kernel release).</summary>
    Info,
}
