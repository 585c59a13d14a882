using System.Runtime.InteropServices;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.JavaScript;

/// <summary>
/// Read-only access to exactly the files the policy's mounts grant, by guest path. A script names a guest path; the
/// grant with the longest matching guest prefix supplies the host directory, and the rest is opened beneath it with
/// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS): no symlink is followed, no <c>..</c> leaves
/// the grant, and a path outside every grant is refused without touching the host filesystem.
/// </summary>
internal sealed class GrantedFiles
{
    private readonly (string GuestPath, string HostPath, bool IsFile)[] _grants;

    internal GrantedFiles(SandboxPolicy policy)
    {
        _grants = [.. policy.Mounts
            .Where(m => m.HostPath is not null && m.Kind is MountKind.ReadOnlyBind or MountKind.ReadWriteBind or MountKind.CopiedFile)
            .Select(m => (GuestPath: m.GuestPath, HostPath: m.HostPath!, IsFile: m.Kind == MountKind.CopiedFile || File.Exists(m.HostPath)))
            .OrderByDescending(g => g.GuestPath.Length)];
        if (policy.WorkDirectoryHostPath is { } work)
        {
            _grants = [.. _grants.Append((GuestPath: SandboxPolicy.WorkDirectoryGuestPath, HostPath: work, IsFile: false)).OrderByDescending(g => g.GuestPath.Length)];
        }
    }

    /// <summary>Whether any file is granted (without one, the script gets no <c>readFile</c> at all).</summary>
    internal bool Any => _grants.Length > 0;

    /// <summary>The guest paths granted, for messages.</summary>
    internal IEnumerable<string> GuestPaths => _grants.Select(g => g.GuestPath);

    /// <summary>Reads the granted file at <paramref name="guestPath"/>, at most <paramref name="maxBytes"/>; otherwise says why not.</summary>
    internal bool TryRead(string guestPath, long maxBytes, out byte[] contents, out string problem)
    {
        contents = [];
        if (guestPath.Length == 0 || guestPath[0] != '/' || guestPath.Contains('\0', StringComparison.Ordinal))
        {
            problem = "not an absolute guest path";
            return false;
        }

        foreach ((string guest, string host, bool isFile) in _grants)
        {
            string? relative = Relative(guest, guestPath);
            if (relative is null)
            {
                continue;
            }

            if (isFile)
            {
                if (relative.Length != 0)
                {
                    problem = $"{guest} is a single granted file";
                    return false;
                }

                using SafeFileHandle file = OpenTrusted(host, Interop.Libc.ONoFollow);
                return ReadOpened(file, host, maxBytes, out contents, out problem);
            }

            using SafeFileHandle root = OpenTrusted(host, Interop.Libc.OPath | Interop.Libc.ODirectory);
            if (root.IsInvalid)
            {
                problem = $"the grant {guest} cannot be opened (errno {Marshal.GetLastPInvokeError()})";
                return false;
            }

            if (relative.Length == 0)
            {
                problem = Problem(Interop.Errno.EISDIR);
                return false;
            }

            using SafeFileHandle beneath = OpenBeneath(root, relative);
            return ReadOpened(beneath, guestPath, maxBytes, out contents, out problem);
        }

        problem = "outside every read-only grant of the policy";
        return false;
    }

    /// <summary>The part of <paramref name="path"/> below <paramref name="grant"/> ("" for the grant itself), or null when it is not below.</summary>
    private static string? Relative(string grant, string path)
    {
        if (grant == "/") return path.TrimStart('/');
        if (path == grant) return "";
        return path.StartsWith(grant + "/", StringComparison.Ordinal) ? path[(grant.Length + 1)..].TrimStart('/') : null;
    }

    /// <summary>Opens a path the policy chose (a mount source): symlinks the operator configured are honoured. Invalid + errno on failure.</summary>
    private static SafeFileHandle OpenTrusted(string hostPath, int extraFlags)
        => Interop.Libc.Open(hostPath, Interop.Libc.ORdOnly | Interop.Libc.OCloExec | Interop.Libc.ONonBlock | extraFlags, 0);

    /// <summary>Opens a script-chosen path strictly beneath <paramref name="root"/>: no symlinks, no escape. Invalid + errno on failure.</summary>
    private static SafeFileHandle OpenBeneath(SafeFileHandle root, string relative) => Interop.Libc.Openat2(root, relative, new Interop.Libc.OpenHow
    {
        Flags = (ulong)(Interop.Libc.ORdOnly | Interop.Libc.OCloExec | Interop.Libc.ONonBlock | Interop.Libc.ONoFollow),
        Resolve = Interop.Libc.ResolveBeneath | Interop.Libc.ResolveNoSymlinks | Interop.Libc.ResolveNoMagicLinks,
    });

    private static string Problem(int errno) => errno switch
    {
        Interop.Errno.ENOENT => "no such file in the grant",
        Interop.Errno.ELOOP or Interop.Errno.EXDEV => "a symlink or an escape from the grant (not followed)",
        Interop.Errno.ENOTDIR => "a path component is not a directory",
        Interop.Errno.EACCES => "permission denied on the host",
        Interop.Errno.EISDIR => "a directory, not a file",
        Interop.Errno.ENOSYS => "this kernel lacks openat2 (Linux 5.6+), which safe file access needs",
        _ => $"cannot be opened (errno {errno})",
    };

    private static bool ReadOpened(SafeFileHandle handle, string shown, long maxBytes, out byte[] contents, out string problem)
    {
        contents = [];
        if (handle.IsInvalid)
        {
            problem = Problem(Marshal.GetLastPInvokeError());
            return false;
        }

        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            using var memory = new MemoryStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                if (memory.Length + n > maxBytes)
                {
                    problem = $"larger than the {maxBytes} bytes the run may still allocate";
                    return false;
                }

                memory.Write(buffer, 0, n);
            }

            contents = memory.ToArray();
            problem = "";
            return true;
        }
        catch (IOException e)
        {
            problem = $"read failed ({e.Message})";
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            problem = $"{shown} is not a readable file";
            return false;
        }
    }
}
