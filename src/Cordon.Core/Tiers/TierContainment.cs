namespace Cordon.Tiers;

/// <summary>
/// How a tier whose runner lives inside the caller's process (Wasmtime, Jint) can itself run as a process-tier guest
/// (<c>--contain</c>): the room the runner needs above the guest's own limits.
/// </summary>
/// <param name="MemoryBytes">Memory for the runner (the .NET runtime, the engine) on top of the guest's memory limit.</param>
/// <param name="Tasks">Threads the runner starts on top of the guest's process limit.</param>
/// <param name="Startup">Wall and CPU time the runner needs to start, on top of the guest's time limits.</param>
/// <param name="OpenFiles">Descriptors the runner holds itself (the runtime's libraries, pipes, the engine) on top of the guest's open-file limit.</param>
public sealed record TierContainment(long MemoryBytes, int Tasks, TimeSpan Startup, int OpenFiles = 64);
