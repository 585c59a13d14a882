namespace Cordon.Backends.Wasm;

/// <summary>Why Cordon stopped a module (as opposed to the module ending by itself).</summary>
internal enum StopReason
{
    /// <summary>Not stopped.</summary>
    None,

    /// <summary>The caller's token was cancelled.</summary>
    Canceled,

    /// <summary>An output stream passed its cap with <see cref="Policy.OutputAction.Kill"/>.</summary>
    OutputExceeded,

    /// <summary>The policy's wall-time limit passed.</summary>
    WallTimeExceeded,

    /// <summary>The policy's CPU-time limit passed (thread CPU time of the run).</summary>
    CpuTimeExceeded,
}
