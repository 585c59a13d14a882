using System.Diagnostics;
using Wasmtime;

namespace Cordon.Benchmarks;

/// <summary>
/// Wasmtime alone, the Wasm tier's baseline: the same engine settings (epoch interruption, fuel, pooling with the same
/// slots), WASI with stdout and stderr to files, one fresh store, instantiate and <c>_start</c> per run, on this thread.
/// </summary>
/// <remarks>
/// The files are in /dev/shm (tmpfs) where it exists: WASI opens its output files with O_TRUNC, and truncating a
/// written file on a journaling disk filesystem costs milliseconds (3.6 ms per run on this host's ext4 /tmp), which
/// would measure the disk, not Wasmtime.
/// </remarks>
internal sealed class BareWasmtime : IDisposable
{
    private readonly PoolingAllocationConfig _pooling;
    private readonly Engine _engine;
    private readonly Linker _linker;
    private readonly Module _module;
    private readonly string _directory;

    public BareWasmtime(string modulePath, int slots, long slotBytes)
    {
        _pooling = new PoolingAllocationConfig().WithMaxCoreInstances((uint)slots).WithMaxMemories((uint)slots)
            .WithMaxTables((uint)slots * 8).WithMaxMemorySize((nuint)slotBytes);
        _engine = new Engine(new Config().WithEpochInterruption(true).WithFuelConsumption(true).WithPoolingAllocationStrategy(_pooling));
        _linker = new Linker(_engine);
        _linker.DefineWasi();
        _module = Module.FromFile(_engine, modulePath);
        string parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _directory = Path.Combine(parent, $"cordon-bench-wasmtime-{Environment.ProcessId}");
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Instantiate + <c>_start</c> of the last run, in microseconds: the part Cordon reports as a run's wall time.</summary>
    public double LastInstantiateAndRunMicroseconds { get; private set; }

    /// <summary>One run, in microseconds.</summary>
    public double RunOnce()
    {
        long start = Stopwatch.GetTimestamp();
        using (var store = new Store(_engine))
        {
            store.Fuel = 10_000_000_000;
            store.SetEpochDeadline(1);
            store.SetWasiConfiguration(new WasiConfiguration().WithArg("hello.wasm")
                .WithStandardOutput(Path.Combine(_directory, "stdout")).WithStandardError(Path.Combine(_directory, "stderr")));
            long instantiate = Stopwatch.GetTimestamp();
            _linker.Instantiate(store, _module).GetFunction("_start")!.Invoke();
            LastInstantiateAndRunMicroseconds = Stopwatch.GetElapsedTime(instantiate).TotalMicroseconds;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    public void Dispose()
    {
        _module.Dispose();
        _linker.Dispose();
        _engine.Dispose();
        _pooling.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
