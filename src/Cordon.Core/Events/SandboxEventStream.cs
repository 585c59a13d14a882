using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Events;

/// <summary>A run as an asynchronous stream of its events (the way CliWrap's <c>ListenAsync</c> presents a process).</summary>
public static class SandboxEventStream
{
    /// <summary>
    /// Runs <paramref name="command"/> and yields its events as they happen, ending with <see cref="RunFinished"/>.
    /// Setup errors surface as the exceptions <see cref="ISandboxBackend.RunAsync"/> documents. Output is bounded by the
    /// policy's cap, so the stream's buffer is too.
    /// </summary>
    public static async IAsyncEnumerable<SandboxEvent> StreamAsync(this ISandboxBackend backend, SandboxPolicy policy, SandboxCommand command,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(command);
        var channel = Channel.CreateUnbounded<SandboxEvent>(new UnboundedChannelOptions { SingleReader = true });
        SandboxEventObserver? inner = command.OnEvent;
        SandboxCommand observed = command with
        {
            OnEvent = e =>
            {
                inner?.Invoke(e);
                channel.Writer.TryWrite(e);
            },
        };

        Task<SandboxResult> run = Task.Run(async () =>
        {
            try
            {
                return await backend.RunAsync(policy, observed, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);

        await foreach (SandboxEvent e in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false)) yield return e;

        // Rethrows a setup error; a result already went out as RunFinished.
        _ = await run.ConfigureAwait(false);
    }
}
