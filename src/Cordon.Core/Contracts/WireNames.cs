using System.Collections.Frozen;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Contracts;

/// <summary>
/// The one table between Cordon's enums and their names on the wire (the result document, policy files, the CLI,
/// the service): snake_case, stable across versions. An unknown name never parses to a success.
/// </summary>
public static class WireNames
{
    private static readonly FrozenDictionary<SandboxOutcome, string> Outcomes = new Dictionary<SandboxOutcome, string>
    {
        [SandboxOutcome.Exited] = "exited",
        [SandboxOutcome.Signaled] = "signaled",
        [SandboxOutcome.ExecFailed] = "exec_failed",
        [SandboxOutcome.WallTimeExceeded] = "wall_time_exceeded",
        [SandboxOutcome.CpuTimeExceeded] = "cpu_time_exceeded",
        [SandboxOutcome.MemoryExceeded] = "memory_exceeded",
        [SandboxOutcome.ProcessLimitExceeded] = "process_limit_exceeded",
        [SandboxOutcome.OutputExceeded] = "output_exceeded",
        [SandboxOutcome.DiskExceeded] = "disk_exceeded",
        [SandboxOutcome.SyscallDenied] = "syscall_denied",
        [SandboxOutcome.Trapped] = "trapped",
        [SandboxOutcome.Canceled] = "canceled",
        [SandboxOutcome.SetupError] = "setup_error",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, SandboxOutcome> OutcomesByName = Outcomes.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary><c>wall_time_exceeded</c> for <see cref="SandboxOutcome.WallTimeExceeded"/>.</summary>
    public static string Outcome(SandboxOutcome outcome) => Outcomes[outcome];

    /// <summary>The outcome named <paramref name="name"/>, or false.</summary>
    public static bool TryParseOutcome(string? name, out SandboxOutcome outcome)
    {
        if (name is not null && OutcomesByName.TryGetValue(name, out outcome)) return true;
        outcome = SandboxOutcome.Signaled;
        return false;
    }

    /// <summary><c>kill</c> or <c>truncate</c>.</summary>
    public static string Output(OutputAction action) => action == OutputAction.Kill ? "kill" : "truncate";

    /// <summary><c>errno</c> or <c>kill</c>.</summary>
    public static string Violation(ViolationAction action) => action == ViolationAction.Kill ? "kill" : "errno";

    /// <summary><c>none</c>, <c>loopback</c> or <c>host</c>.</summary>
    public static string Network(NetworkMode mode) => mode switch
    {
        NetworkMode.Loopback => "loopback",
        NetworkMode.Host => "host",
        _ => "none",
    };

    /// <summary>The names <see cref="Events.LimitReached"/> and reason codes use for each limit.</summary>
    public static class Limit
    {
        /// <summary>The wall-clock limit.</summary>
        public const string WallTime = "wall_time";

        /// <summary>The CPU-time limit.</summary>
        public const string CpuTime = "cpu_time";

        /// <summary>The memory limit.</summary>
        public const string Memory = "memory";

        /// <summary>The process limit.</summary>
        public const string Processes = "pids";

        /// <summary>The output cap.</summary>
        public const string Output = "output";

        /// <summary>A writable grant's disk budget.</summary>
        public const string Disk = "disk";

        /// <summary>The Wasm tier's fuel.</summary>
        public const string Fuel = "fuel";

        /// <summary>The JS tier's statement budget.</summary>
        public const string Statements = "statements";

        /// <summary>The JS tier's recursion depth.</summary>
        public const string Recursion = "recursion";
    }
}
