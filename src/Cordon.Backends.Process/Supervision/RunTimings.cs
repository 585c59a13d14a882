namespace Cordon.Backends.Process.Supervision;

/// <summary>Where one run's time went, measured by the supervisor (for the benchmark harness and profiling).</summary>
/// <param name="Setup">From RunAsync to the spawn: tool lookup, cgroup creation and limits, pipes.</param>
/// <param name="Spawn">posix_spawn of the launch chain.</param>
/// <param name="UntilGuestExec">From the spawn to the launcher's "guest exec'd" report: bwrap namespaces and mounts, meanwhile the seccomp compilation (cached), then Landlock and the seccomp install.</param>
/// <param name="GuestRun">From the exec report to the exit of bwrap's monitor.</param>
/// <param name="Teardown">From bwrap's exit to the finished result: cgroup kill and drain, output drain, usage read, cgroup removal.</param>
internal sealed record RunTimings(TimeSpan Setup, TimeSpan Spawn, TimeSpan UntilGuestExec, TimeSpan GuestRun, TimeSpan Teardown);
