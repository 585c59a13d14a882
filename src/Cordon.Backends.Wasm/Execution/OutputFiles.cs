using System.Collections.Concurrent;
using Cordon.Output;
using Wasmtime;

namespace Cordon.Backends.Wasm;

/// <summary>The stdout and stderr files of one run, and the scratch buffer that drains them; pooled by the backend.</summary>
/// <remarks>
/// Drained on the thread that runs the module: at every epoch tick (so output reaches the observer while the module
/// runs, and the cap with <see cref="Policy.OutputAction.Kill"/> stops it), before a WASI sleep, and once the store
/// is closed. Host memory is the cap plus what the module writes between two ticks.
/// </remarks>
internal sealed class OutputFiles : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly OutputFile _stdout;
    private readonly OutputFile _stderr;
    private readonly byte[] _buffer = new byte[ChunkBytes];
    private StreamCapture? _stdoutCapture;
    private StreamCapture? _stderrCapture;

    private OutputFiles(OutputFile stdout, OutputFile stderr) => (_stdout, _stderr) = (stdout, stderr);

    /// <summary>A pooled pair or a new one, empty where output files are unavailable (WASI callbacks are used then).</summary>
    internal static Lease Rent(ConcurrentBag<OutputFiles> pool)
    {
        if (pool.TryTake(out OutputFiles? files))
        {
            return new Lease(files, pool);
        }

        if (OutputFile.TryCreate() is not { } stdout)
        {
            return default;
        }

        if (OutputFile.TryCreate() is not { } stderr)
        {
            stdout.Dispose();
            return default;
        }

        return new Lease(new OutputFiles(stdout, stderr), pool);
    }

    /// <summary>Points WASI's stdout and stderr at the files and binds them to this run's captures.</summary>
    internal void Attach(WasiConfiguration configuration, StreamCapture stdout, StreamCapture stderr)
    {
        configuration.WithStandardOutput(_stdout.Path).WithStandardError(_stderr.Path);
        (_stdoutCapture, _stderrCapture) = (stdout, stderr);
    }

    /// <summary>Hands what the module wrote since the last drain to the captures (and their observer).</summary>
    internal void Drain()
    {
        if (_stdoutCapture is { } stdout && _stderrCapture is { } stderr)
        {
            _stdout.Drain(stdout, _buffer);
            _stderr.Drain(stderr, _buffer);
        }
    }

    /// <summary>Empties the files and puts them back in <paramref name="pool"/>.</summary>
    private void Return(ConcurrentBag<OutputFiles> pool)
    {
        (_stdoutCapture, _stderrCapture) = (null, null);
        try
        {
            _stdout.Reset();
            _stderr.Reset();
        }
        catch (IOException)
        {
            Dispose();
            return;
        }

        pool.Add(this);
    }

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    /// <summary>One run's use of a pair; disposing it empties the files and returns them to the pool.</summary>
    internal readonly struct Lease(OutputFiles? files, ConcurrentBag<OutputFiles>? pool) : IDisposable
    {
        /// <summary>The files, or null where they are unavailable.</summary>
        internal OutputFiles? Files => files;

        public void Dispose()
        {
            if (files is not null && pool is not null)
            {
                files.Return(pool);
            }
        }
    }
}
