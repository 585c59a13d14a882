using Cordon.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Diagnostics;

/// <summary>The final word: one real run of <c>true</c> under the default policy; any warning means a layer degraded.</summary>
internal static class EndToEndCheck
{
    public static async Task<HostCheck> RunAsync(CancellationToken cancellationToken)
    {
        const string Layer = "default policy";
        try
        {
            SandboxResult result = await new ProcessSandbox().RunAsync(SandboxPolicy.Default, new SandboxCommand("true", []), cancellationToken).ConfigureAwait(false);
            if (result.Outcome != SandboxOutcome.Exited || result.ExitCode != 0)
                return new HostCheck(Layer, LayerStatus.Missing, $"a sandboxed 'true' ended {result.Outcome} (exit {result.ExitCode}): {result.Detail}", "see the rows above", Required: true);
            if (!result.Warnings.IsEmpty)
                return new HostCheck(Layer, LayerStatus.Degraded, "a sandboxed 'true' ran with warnings: " + string.Join("; ", result.Warnings), "fix the degraded rows above", Required: true);
            return new HostCheck(Layer, LayerStatus.Available, "a sandboxed 'true' ran with every layer and no warning", null, Required: true);
        }
        catch (CordonException e)
        {
            return new HostCheck(Layer, LayerStatus.Missing, "a sandboxed 'true' could not start: " + e.Message, "fix the missing rows above", Required: true);
        }
    }
}
