namespace Cordon.Execution;

/// <summary>A syscall the guest's profile refused, as reported by the kernel.</summary>
/// <param name="Syscall">The syscall name (or <c>nr-N</c> for a number Cordon does not know).</param>
/// <param name="Number">The syscall number.</param>
/// <param name="Count">How many times it was refused.</param>
/// <param name="Action"><c>errno</c> (the call failed and the guest went on) or <c>kill</c> (this call ended the run).</param>
public sealed record SyscallViolation(string Syscall, int Number, long Count, string Action);
