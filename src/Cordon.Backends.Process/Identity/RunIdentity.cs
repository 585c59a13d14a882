using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Identity;

/// <summary>
/// One run's host uid and gid, held through a lock file until <see cref="Dispose"/>, which the supervisor calls only
/// after every process of the run is gone (bwrap reaped, the run's cgroup removed).
/// </summary>
internal sealed class RunIdentity : IDisposable
{
    private readonly SafeFileHandle _lock;

    internal RunIdentity(uint id, SafeFileHandle held) => (Uid, Gid, _lock) = (id, id, held);

    public uint Uid { get; }

    public uint Gid { get; }

    /// <summary>Marks the id cleanly released (an empty lock file) and lets another run take it.</summary>
    public void Dispose()
    {
        if (_lock.IsClosed) return;
        Interop.Libc.Ftruncate(_lock, 0);
        _lock.Dispose();
    }
}
