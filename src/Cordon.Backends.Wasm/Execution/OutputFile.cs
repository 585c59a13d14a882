using Cordon.Output;
using Cordon.Units;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Wasm;

/// <summary>
/// An anonymous in-memory file (memfd) that WASI writes one guest stream to, read back into an
/// <see cref="StreamCapture"/> by the thread that runs the module.
/// </summary>
/// <remarks>
/// WASI opens it by its <c>/proc/self/fd</c> path as a plain output file, so a guest write is one write(2) on the
/// guest's own thread, with no callback and no other thread. Bytes already handed to the capture are punched out of
/// the file, so it holds only what the guest wrote since the last drain. Reused from run to run (emptied in between).
/// </remarks>
internal sealed class OutputFile : IDisposable
{
    /// <summary>Drained bytes are released once this many have accumulated (a syscall per drain would cost more than it frees).</summary>
    private static readonly long ReleaseThreshold = ByteSize.MiB;

    private const string Name = "cordon-wasm-output";

    private readonly SafeFileHandle _file;
    private long _drained;
    private long _released;

    private OutputFile(SafeFileHandle file, string path) => (_file, Path) = (file, path);

    /// <summary>The path WASI opens: this process's descriptor of the file.</summary>
    internal string Path { get; }

    /// <summary>A new empty file, or null where it cannot be made or reopened by path (off Linux, no /proc, Landlock).</summary>
    internal static OutputFile? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        SafeFileHandle file;
        try
        {
            file = Interop.Libc.MemfdCreate(Name, Interop.Libc.MfdCloexec);
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        if (file.IsInvalid)
        {
            file.Dispose();
            return null;
        }

        int fd = (int)file.DangerousGetHandle();
        string path = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}");
        try
        {
            // Opened once as WASI will open it: without /proc, or where Landlock refuses the reopen (a contained
            // run), WASI could not open it either.
            File.OpenHandle(path, FileMode.Open, FileAccess.Write).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file.Dispose();
            return null;
        }

        return new OutputFile(file, path);
    }

    /// <summary>Hands everything written since the last drain to <paramref name="capture"/>, reading only what it keeps.</summary>
    /// <param name="capture">Where the bytes go (kept up to its cap, counted past it).</param>
    /// <param name="buffer">Scratch space; bytes reach the capture (and its observer) in chunks of at most this size.</param>
    internal void Drain(StreamCapture capture, byte[] buffer)
    {
        long size = RandomAccess.GetLength(_file);
        while (_drained < size)
        {
            int chunk = (int)Math.Min(Math.Min(buffer.Length, size - _drained), capture.Room);
            if (chunk == 0)
            {
                capture.Discard(size - _drained);
                _drained = size;
                break;
            }

            int read = RandomAccess.Read(_file, buffer.AsSpan(0, chunk), _drained);
            if (read <= 0)
            {
                break;
            }

            capture.Write(buffer.AsSpan(0, read));
            _drained += read;
        }

        if (_drained - _released >= ReleaseThreshold)
        {
            // Best effort: a filesystem without hole punching only keeps the pages until Reset.
            Interop.Libc.Fallocate(_file, Interop.Libc.FallocPunchHoleKeepSize, _released, _drained - _released);
            _released = _drained;
        }
    }

    /// <summary>Empties the file for the next run (after WASI has closed its own descriptor of it and the last drain).</summary>
    /// <remarks>Every run ends with a drain, so an undrained file is empty: no syscall for a run that printed nothing.</remarks>
    internal void Reset()
    {
        if (_drained > 0)
        {
            RandomAccess.SetLength(_file, 0);
        }

        _drained = _released = 0;
    }

    public void Dispose() => _file.Dispose();
}
