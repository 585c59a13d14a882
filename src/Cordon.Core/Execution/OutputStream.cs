namespace Cordon.Execution;

/// <summary>Which guest stream a chunk came from.</summary>
public enum OutputStream
{
    /// <summary>File descriptor 1.</summary>
    StandardOutput,

    /// <summary>File descriptor 2.</summary>
    StandardError,
}
