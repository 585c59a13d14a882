using System.Runtime.InteropServices;
using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.HostFiles;

/// <summary>
/// Opens host paths that a caller names for a run (bind sources, <c>--file</c>, <c>--stdin</c>, modules, policy files)
/// the one safe way: once, without following a symbolic link in any component, without blocking on a FIFO, checking
/// the type (and the size where Cordon reads the file itself), and returning the descriptor so the kernel is handed
/// that object rather than the path again.
/// </summary>
/// <remarks>
/// Why no links at all: Cordon often runs as root, and a guest that could write into a directory (its work directory,
/// a writable grant) can leave a link there, <c>job/input.txt -&gt; /etc/shadow</c>, for the next run that names the path.
/// Files a guest creates in a writable grant land owned by the directory's owner, so a link's owner says nothing about
/// who planted it; refusing links in every component is the rule that cannot be fooled. The message names the link so
/// the caller can give the real path.
/// </remarks>
public static class HostPath
{
    private const uint TypeMask = 0xF000;
    private const uint TypeRegular = 0x8000;
    private const uint TypeDirectory = 0x4000;
    private const uint TypeFifo = 0x1000;
    private const uint TypeSocket = 0xC000;
    private const uint TypeCharDevice = 0x2000;
    private const uint TypeBlockDevice = 0x6000;
    private const uint TypeSymlink = 0xA000;

    /// <summary>
    /// Opens <paramref name="path"/> read-only as a regular file of at most <paramref name="maxBytes"/> bytes.
    /// </summary>
    /// <param name="path">The caller's path (relative to the current directory, or absolute).</param>
    /// <param name="purpose">What it is for, as the caller wrote it (<c>--stdin</c>, <c>--file /in.csv</c>); starts every message.</param>
    /// <param name="maxBytes">Largest accepted size, or null for any size (Cordon streams it).</param>
    /// <exception cref="SandboxSetupException">Missing, a link in the path, not a regular file, too large, or not readable.</exception>
    public static OpenedHostPath OpenFile(string path, string purpose, long? maxBytes = null)
    {
        // First a reference only (O_PATH): a FIFO or a device is refused without ever being opened, since opening one
        // can block (a FIFO waits for a writer) or act (some devices do something on open).
        OpenedHostPath reference = Open(path, purpose, Interop.Libc.OCloExec | Interop.Libc.OPath | Interop.Libc.ONoFollow);
        using (reference.Handle)
        {
            if (reference.Kind != HostObjectKind.RegularFile)
                throw Refuse(purpose, path, $"is {Describe(reference.Handle)}, not a regular file", "name a regular file");

            // Then the same inode for reading, through the reference's descriptor: no path lookup again.
            int fd = Interop.Libc.OpenAt(Interop.Libc.AtFdCwd, $"/proc/self/fd/{reference.Handle.DangerousGetHandle()}", Interop.Libc.OCloExec | Interop.Libc.ONoCtty);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Interop.Errno.EACCES
                    ? Refuse(purpose, path, "cannot be opened: permission denied", "check the permissions of the path and of every directory above it")
                    : Refuse(purpose, path, $"cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", "check the path");
            }

            var handle = new SafeFileHandle(fd, ownsHandle: true);
            OpenedHostPath opened = reference with { Handle = handle };
            if (maxBytes is { } max && RandomAccess.GetLength(handle) is var length && length > max)
            {
                handle.Dispose();
                throw Refuse(purpose, path, $"is {length} bytes; the limit here is {max} bytes", "pass a smaller file, or bind its directory read-only with --ro");
            }

            return opened;
        }
    }

    /// <summary>Opens <paramref name="path"/> as an <c>O_PATH</c> reference to a directory or regular file, for a bind mount.</summary>
    /// <exception cref="SandboxSetupException">Missing, a link in the path, or neither a directory nor a regular file.</exception>
    public static OpenedHostPath OpenForBinding(string path, string purpose)
    {
        OpenedHostPath opened = Open(path, purpose, Interop.Libc.OCloExec | Interop.Libc.OPath | Interop.Libc.ONoFollow);
        if (opened.Kind == HostObjectKind.Other)
        {
            string what = Describe(opened.Handle);
            opened.Handle.Dispose();
            throw Refuse(purpose, path, $"is {what}; only directories and regular files can be granted", "grant the directory that holds what the guest needs");
        }

        return opened;
    }

    /// <summary>Reads a whole regular file of at most <paramref name="maxBytes"/> bytes, opened as <see cref="OpenFile"/> does.</summary>
    public static byte[] ReadAllBytes(string path, string purpose, long maxBytes)
    {
        OpenedHostPath opened = OpenFile(path, purpose, maxBytes);
        using SafeFileHandle handle = opened.Handle;
        long length = RandomAccess.GetLength(handle);
        byte[] contents = new byte[length];
        int total = 0;
        while (total < contents.Length)
        {
            int n = RandomAccess.Read(handle, contents.AsSpan(total), total);
            if (n == 0) break; // shrank meanwhile: keep what was there
            total += n;
        }

        return total == contents.Length ? contents : contents[..total];
    }

    private static OpenedHostPath Open(string path, string purpose, int flags)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        int fd = Interop.Libc.Openat2(Interop.Libc.AtFdCwd, path,
            new Interop.Libc.OpenHow { Flags = (ulong)flags, Resolve = Interop.Libc.ResolveNoSymlinks | Interop.Libc.ResolveNoMagicLinks });
        int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        // Kernels before 5.6, and Cordon's own sandboxes (whose filter answers openat2 with ENOSYS), walk instead.
        if (fd < 0 && errno is Interop.Errno.ENOSYS or Interop.Errno.EPERM) fd = WalkWithoutLinks(path, flags, out errno);
        if (fd < 0)
        {
            throw errno switch
            {
                Interop.Errno.ENOENT => Refuse(purpose, path, "does not exist", "check the path"),
                Interop.Errno.ELOOP => Refuse(purpose, path, LinkMessage(path), "name the real path (for example the output of realpath) after checking it is what you meant"),
                Interop.Errno.ENOTDIR => Refuse(purpose, path, "has a component that is not a directory", "check the path"),
                Interop.Errno.EACCES => Refuse(purpose, path, "cannot be opened: permission denied", "check the permissions of the path and of every directory above it"),
                Interop.Errno.EXDEV => Refuse(purpose, path, "crosses a magic link", "name the real path"),
                Interop.Errno.ENOSYS => Refuse(purpose, path, "cannot be opened safely: openat2(2) needs Linux 5.6 or later", "upgrade the kernel"),
                _ => Refuse(purpose, path, $"cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", "check the path"),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Interop.Libc.Fstat(handle, out Interop.Libc.FileStatus status) != 0)
                throw Refuse(purpose, path, $"cannot be examined (errno {Marshal.GetLastPInvokeError()})", "check the path");
            // O_PATH | O_NOFOLLOW opens a final link itself rather than failing: refuse it as every other link.
            if ((status.Mode & TypeMask) == TypeSymlink)
                throw Refuse(purpose, path, LinkMessage(path), "name the real path (for example the output of realpath) after checking it is what you meant");
            long filesystem = Interop.Libc.Fstatfs(handle, out Interop.Libc.FilesystemStatus fs) == 0 ? fs.Type : 0;
            HostObjectKind kind = (status.Mode & TypeMask) switch
            {
                TypeRegular => HostObjectKind.RegularFile,
                TypeDirectory => HostObjectKind.Directory,
                _ => HostObjectKind.Other,
            };
            return new OpenedHostPath(path, handle, kind, status.Uid, status.Gid, filesystem, status.Mode & 0xFFF);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same as openat2 with RESOLVE_NO_SYMLINKS, one component at a time: each opened O_PATH|O_NOFOLLOW relative to
    /// the last, refused when it is a link. Returns the descriptor, or -1 with <paramref name="errno"/>.
    /// </summary>
    private static int WalkWithoutLinks(string path, int flags, out int errno)
    {
        const int StatLinkType = 0xA000, StatDirectoryType = 0x4000;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int current = Interop.Libc.OpenAt(Interop.Libc.AtFdCwd, path.StartsWith('/') ? "/" : ".", Interop.Libc.OPath | Interop.Libc.ODirectory | Interop.Libc.OCloExec);
        if (current < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return -1;
        }

        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == parts.Length - 1;
            int next = Interop.Libc.OpenAt(current, parts[i], Interop.Libc.OPath | Interop.Libc.ONoFollow | Interop.Libc.OCloExec);
            errno = next < 0 ? Marshal.GetLastPInvokeError() : 0;
            Interop.Libc.Close(current);
            if (next < 0) return -1;
            if (Interop.Libc.Fstat(next, out Interop.Libc.FileStatus status) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                Interop.Libc.Close(next);
                return -1;
            }

            uint type = status.Mode & TypeMask;
            if (type == StatLinkType || (!last && type != StatDirectoryType))
            {
                errno = type == StatLinkType ? Interop.Errno.ELOOP : Interop.Errno.ENOTDIR;
                Interop.Libc.Close(next);
                return -1;
            }

            current = next;
        }

        if ((flags & Interop.Libc.OPath) != 0)
        {
            errno = 0;
            return current;
        }

        // Reopen the final object with the access wanted through its O_PATH descriptor's magic link (no path lookup again).
        int opened = Interop.Libc.OpenAt(Interop.Libc.AtFdCwd, $"/proc/self/fd/{current}", flags & ~Interop.Libc.ONoFollow);
        errno = opened < 0 ? Marshal.GetLastPInvokeError() : 0;
        Interop.Libc.Close(current);
        return opened;
    }

    /// <summary>Names the first component that is a link (found with lstat, for the message only; nothing is opened through it).</summary>
    private static string LinkMessage(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string prefix = "/";
        foreach (string part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            prefix = System.IO.Path.Combine(prefix, part);
            try
            {
                if (new FileInfo(prefix).LinkTarget is not null)
                {
                    return prefix == full
                        ? "is a symbolic link; Cordon does not follow links in paths it opens for a run (a guest could have planted one)"
                        : $"goes through the symbolic link '{prefix}'; Cordon does not follow links in paths it opens for a run (a guest could have planted one)";
                }
            }
            catch (IOException) { break; }
            catch (UnauthorizedAccessException) { break; }
        }

        return "goes through a symbolic link; Cordon does not follow links in paths it opens for a run (a guest could have planted one)";
    }

    private static string Describe(SafeFileHandle handle)
    {
        if (Interop.Libc.Fstat(handle, out Interop.Libc.FileStatus status) != 0) return "not a regular file";
        return (status.Mode & TypeMask) switch
        {
            TypeDirectory => "a directory",
            TypeFifo => "a FIFO (named pipe)",
            TypeSocket => "a socket",
            TypeCharDevice => "a character device",
            TypeBlockDevice => "a block device",
            TypeSymlink => "a symbolic link",
            TypeRegular => "a regular file",
            _ => "not a regular file",
        };
    }

    private static SandboxSetupException Refuse(string purpose, string path, string problem, string hint)
        => new(purpose, $"'{Printable(path)}' {problem}", hint);

    /// <summary>A path as it may appear in a message: a hostile file name cannot drive a terminal.</summary>
    private static string Printable(string path) => Cordon.Output.UntrustedText.ForSingleLine(System.Text.Encoding.UTF8.GetBytes(path));
}
