namespace Cordon.Backends.JavaScript;

/// <summary>Thrown by Cordon's host code on the engine thread to end a run at once (the script cannot catch it).</summary>
internal sealed class RunInterruptedException(StopReason reason) : Exception($"run stopped: {reason}")
{
    internal StopReason Reason { get; } = reason;
}
