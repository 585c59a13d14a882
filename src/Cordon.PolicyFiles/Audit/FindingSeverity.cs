namespace Cordon.PolicyFiles.Audit;

/// <summary>How much one finding matters.</summary>
public enum FindingSeverity
{
    /// <summary>A fact worth knowing; nothing to change.</summary>
    Info,

    /// <summary>A small door; fine when the job needs it.</summary>
    Low,

    /// <summary>A door that should be justified by the job.</summary>
    Medium,

    /// <summary>A door that hostile code will use.</summary>
    High,

    /// <summary>As good as no sandbox on this dimension.</summary>
    Critical,
}
