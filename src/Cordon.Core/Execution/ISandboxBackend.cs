using Cordon.Policy;

namespace Cordon.Execution;

/// <summary>One isolation tier (process, user-space kernel, WebAssembly, JavaScript). Every tier takes the same policy and returns the same result.</summary>
public interface ISandboxBackend
{
    /// <summary>A short name, e.g. <c>process</c>.</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="command"/> under <paramref name="policy"/>. Cancellation kills the whole sandbox and yields <see cref="SandboxOutcome.Canceled"/>.</summary>
    /// <exception cref="Errors.SandboxSetupException">The host could not set the sandbox up.</exception>
    /// <exception cref="Errors.BackendUnavailableException">A required host component is missing.</exception>
    Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken = default);
}
