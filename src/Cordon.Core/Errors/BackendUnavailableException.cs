namespace Cordon.Errors;

/// <summary>A required host component (bwrap, user namespaces, a runtime) is missing.</summary>
public sealed class BackendUnavailableException : CordonException
{
    /// <summary>Creates the error naming what is missing and how to install it.</summary>
    public BackendUnavailableException(string component, string message, string fix)
        : base($"{component}: {message} (fix: {fix})") => (Component, Fix) = (component, fix);

    /// <summary>What is missing, e.g. <c>bwrap</c>.</summary>
    public string Component { get; }

    /// <summary>How to fix it.</summary>
    public string Fix { get; }
}
