namespace Cordon.Backends.JavaScript;

/// <summary>Why Cordon stopped a script (the first reason recorded wins).</summary>
internal enum StopReason
{
    None,
    Canceled,
    WallTimeExceeded,
    CpuTimeExceeded,
    StatementsExceeded,
    MemoryExceeded,
    RecursionExceeded,
    OutputExceeded,
}
