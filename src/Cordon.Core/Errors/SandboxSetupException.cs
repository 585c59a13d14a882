namespace Cordon.Errors;

/// <summary>The host could not set the sandbox up; nothing of the guest ran, nothing is left behind.</summary>
/// <remarks>Messages name the step, the errno when there is one, and a hint (bubblewrap's style).</remarks>
public sealed class SandboxSetupException : CordonException
{
    /// <summary>Creates a setup error for <paramref name="step"/>.</summary>
    public SandboxSetupException(string step, string message, string? hint = null, Exception? inner = null)
        : base(hint is null ? $"{step}: {message}" : $"{step}: {message} (hint: {hint})", inner)
        => (Step, Hint) = (step, hint);

    /// <summary>The setup step that failed, e.g. <c>cgroup-create</c>.</summary>
    public string Step { get; }

    /// <summary>How to fix it, when known.</summary>
    public string? Hint { get; }
}
