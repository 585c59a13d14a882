namespace Cordon.Selftest.Canaries;

/// <summary>
/// An inotify watch on the secret file: the kernel reports every open, read, write or attribute change of the inode,
/// whichever mount or namespace it came through. Access times cannot do this: a read through a read-only bind mount
/// leaves atime alone.
/// </summary>
internal sealed class FileAccessWatch : IDisposable
{
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _inotify;

    private FileAccessWatch(Microsoft.Win32.SafeHandles.SafeFileHandle inotify) => _inotify = inotify;

    /// <summary>Watches <paramref name="path"/>; null when the host has no inotify (the atime and contents checks remain).</summary>
    public static FileAccessWatch? Start(string path)
    {
        var handle = Interop.Libc.InotifyInit1(Interop.Libc.InNonBlock | Interop.Libc.InCloExec);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            return null;
        }

        uint mask = Interop.Libc.InOpen | Interop.Libc.InAccess | Interop.Libc.InModify | Interop.Libc.InAttrib;
        if (Interop.Libc.InotifyAddWatch(handle, path, mask) < 0)
        {
            handle.Dispose();
            return null;
        }

        return new FileAccessWatch(handle);
    }

    /// <summary>What happened to the file since the watch started ("opened", "read"...), or empty.</summary>
    public List<string> Events()
    {
        HashSet<string> seen = [];
        byte[] buffer = new byte[4096];
        while (true)
        {
            nint n = Interop.Libc.Read(_inotify, buffer);
            if (n <= 0) break;
            // struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[]; }
            for (int at = 0; at + 16 <= n;)
            {
                uint mask = BitConverter.ToUInt32(buffer, at + 4);
                int nameLength = BitConverter.ToInt32(buffer, at + 12);
                if ((mask & Interop.Libc.InOpen) != 0) seen.Add("opened");
                if ((mask & Interop.Libc.InAccess) != 0) seen.Add("read");
                if ((mask & Interop.Libc.InModify) != 0) seen.Add("written");
                if ((mask & Interop.Libc.InAttrib) != 0) seen.Add("changed");
                at += 16 + nameLength;
            }
        }

        return [.. seen];
    }

    public void Dispose() => _inotify.Dispose();
}
