namespace Cordon.Selftest.Judging;

/// <summary>How bad one finding is.</summary>
internal enum FindingSeverity
{
    /// <summary>Containment failed.</summary>
    Escaped,

    /// <summary>The evidence does not settle containment.</summary>
    Inconclusive,
}

/// <summary>One thing the judge noticed, in words (neutralised: it may quote guest output).</summary>
internal sealed record Finding(FindingSeverity Severity, string Message)
{
    public static Finding Escape(string message) => new(FindingSeverity.Escaped, message);

    public static Finding Unsure(string message) => new(FindingSeverity.Inconclusive, message);
}
