using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>
/// Carries out, on the guest's behalf, a chmod that sets a set-id bit on a <em>directory</em> — the one set-id use the
/// filter cannot tell apart from a dangerous one, because it sees a path or a descriptor, not what it names.
/// </summary>
/// <remarks>
/// <para>What each bit opens: on a file, S_ISUID/S_ISGID make whoever executes it (on the host too, for a file left in a
/// read-write grant) run with the file's owner or group, so the filter refuses them. On a directory they open nothing:
/// S_ISGID only makes new entries inherit the directory's group (what <c>mkdir -m 2775</c> and
/// <c>git init --shared=group</c> set), and Linux ignores S_ISUID there.</para>
/// <para>The call is not let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE would re-read a path the guest can change). Instead
/// the supervisor copies the path once, opens what it names inside the guest's own root and mounts with
/// <c>openat2</c> (O_PATH, no magic links; absolute paths in the guest's root, relative ones beneath its directory, so a
/// <c>..</c> that leaves it is refused rather than misdirected), checks the caller is still waiting (so its pid was not
/// recycled), checks that descriptor — a directory, owned by the caller's filesystem uid — and changes the mode through
/// that very descriptor, so no rename or symlink swap can redirect it to a file. The kernel's own rules are kept: only the
/// owner may chmod, S_ISGID is dropped when the caller is not in the directory's group, and a read-only mount answers
/// EROFS. Anything else falls back to the refusal the filter asked for.</para>
/// </remarks>
internal static class DirectoryModeChange
{
    private const int Chmod = 90;
    private const int Fchmod = 91;
    private const int Fchmodat = 268;
    private const int Fchmodat2 = 452;
    private const uint SetGid = 0x400; // S_ISGID
    private const uint ModeBits = 0xFFF; // S_IALLUGO
    private const int PathMax = 4096;

    /// <summary>Whether <paramref name="syscallNumber"/> is one of the mode-changing calls this handles.</summary>
    internal static bool Handles(int syscallNumber) => syscallNumber is Chmod or Fchmod or Fchmodat or Fchmodat2;

    /// <summary>Tries to carry the call out; the errno to answer (0: done), or null to refuse it as a violation.</summary>
    internal static unsafe int? TryApply(SafeFileHandle listener, in Interop.Libc.SeccompNotification notification)
    {
        Interop.Libc.SeccompData data = notification.Data;
        int pid = (int)notification.Pid;
        ulong* a = data.Arguments;
        using SafeFileHandle? target = data.Number switch
        {
            Fchmod => OpenInProc(pid, $"fd/{(int)a[0]}"),
            Chmod => OpenByPath(pid, (int)Interop.Libc.AtFdCwd, a[0], flags: 0),
            _ => OpenByPath(pid, (int)a[0], a[1], data.Number == Fchmodat2 ? (int)a[3] : 0),
        };
        if (target is null || target.IsInvalid) return null;

        // The pid named the caller when the call arrived; if the caller died meanwhile, it may name another process now.
        if (Interop.Libc.SeccompNotifyIdValid(listener, notification.Id) != 0) return null;
        const uint Wanted = Interop.Libc.StatxType | Interop.Libc.StatxMode | Interop.Libc.StatxUid | Interop.Libc.StatxGid;
        if (Interop.Libc.Statx((int)target.DangerousGetHandle(), "", Interop.Libc.AtEmptyPath, Wanted, out Interop.Libc.StatxBuffer stat) != 0) return null;
        if ((stat.Mode & Interop.Libc.SIfMt) != Interop.Libc.SIfDir) return null; // a file: the set-id bit stays refused

        uint mode = (uint)(data.Number is Fchmod or Chmod ? a[1] : a[2]) & ModeBits;
        if (Credentials.Read(pid) is not { } caller) return null;
        if (stat.Uid != caller.FsUid) return Interop.Errno.EPERM; // only the owner may chmod, as the kernel says
        if (stat.Gid != caller.FsGid && !caller.Groups.Contains(stat.Gid)) mode &= ~SetGid; // the kernel drops it too

        string path = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{target.DangerousGetHandle()}");
        return Interop.Libc.Fchmodat(Interop.Libc.AtFdCwd, path, mode, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The target of chmod/fchmodat: the guest's path, resolved in the guest's view, never followed outside it.</summary>
    private static SafeFileHandle? OpenByPath(int pid, int directoryFd, ulong pathAddress, int flags)
    {
        if ((flags & ~(Interop.Libc.AtSymlinkNoFollow | Interop.Libc.AtEmptyPath)) != 0) return null;
        if (ReadGuestString(pid, pathAddress) is not { } path) return null;
        if (path.Length == 0)
        {
            return (flags & Interop.Libc.AtEmptyPath) != 0 && directoryFd != Interop.Libc.AtFdCwd ? OpenInProc(pid, $"fd/{directoryFd}") : null;
        }

        bool absolute = path[0] == '/';
        using SafeFileHandle? start = absolute ? OpenInProc(pid, "root")
            : directoryFd == Interop.Libc.AtFdCwd ? OpenInProc(pid, "cwd") : OpenInProc(pid, $"fd/{directoryFd}");
        if (start is null || start.IsInvalid) return null;
        string relative = path.TrimStart('/');
        var how = new Interop.Libc.OpenHow
        {
            Flags = (ulong)(Interop.Libc.OPath | Interop.Libc.OCloExec | ((flags & Interop.Libc.AtSymlinkNoFollow) != 0 ? Interop.Libc.ONoFollow : 0)),
            Resolve = Interop.Libc.ResolveNoMagicLinks | (absolute ? Interop.Libc.ResolveInRoot : Interop.Libc.ResolveBeneath),
        };
        SafeFileHandle target = Interop.Libc.Openat2(start, relative.Length == 0 ? "." : relative, how);
        return target.IsInvalid ? null : target;
    }

    /// <summary>/proc/PID/NAME of the caller (root, cwd, fd/N) as an O_PATH descriptor, or null.</summary>
    private static SafeFileHandle? OpenInProc(int pid, string name)
    {
        SafeFileHandle handle = Interop.Libc.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/{name}"), Interop.Libc.OPath | Interop.Libc.OCloExec, 0);
        return handle.IsInvalid ? null : handle;
    }

    /// <summary>Copies a NUL-terminated path out of the caller's memory once; null when unreadable or longer than PATH_MAX.</summary>
    private static unsafe string? ReadGuestString(int pid, ulong address)
    {
        using SafeFileHandle memory = Interop.Libc.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/mem"), Interop.Libc.ORdOnly | Interop.Libc.OCloExec, 0);
        if (memory.IsInvalid) return null;
        byte[] buffer = new byte[PathMax];
        int filled = 0;
        while (filled < PathMax)
        {
            // Never read across a page boundary in one go: the page after the string may be unmapped.
            ulong at = address + (ulong)filled;
            int chunk = (int)Math.Min((ulong)(PathMax - filled), 4096 - (at % 4096));
            nint n;
            fixed (byte* p = &buffer[filled]) n = Interop.Libc.PRead(memory, p, (nuint)chunk, (long)at);
            if (n <= 0) return null;
            int end = Array.IndexOf(buffer, (byte)0, filled, (int)n);
            if (end >= 0) return Encoding.UTF8.GetString(buffer, 0, end);
            filled += (int)n;
        }

        return null;
    }

    /// <summary>The caller's filesystem ids and groups, as the host sees them (/proc/PID/status).</summary>
    private sealed record Credentials(uint FsUid, uint FsGid, HashSet<uint> Groups)
    {
        internal static Credentials? Read(int pid)
        {
            string status;
            try { status = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/status")); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }

            uint? fsUid = null, fsGid = null;
            HashSet<uint> groups = [];
            foreach (string line in status.Split('\n'))
            {
                string[] f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                if (f.Length == 0) continue;
                switch (f[0])
                {
                    case "Uid:" when f.Length == 5: fsUid = uint.Parse(f[4], CultureInfo.InvariantCulture); break;
                    case "Gid:" when f.Length == 5: fsGid = uint.Parse(f[4], CultureInfo.InvariantCulture); break;
                    case "Groups:": foreach (string g in f.Skip(1)) groups.Add(uint.Parse(g, CultureInfo.InvariantCulture)); break;
                }
            }

            return fsUid is { } u && fsGid is { } g2 ? new Credentials(u, g2, groups) : null;
        }
    }
}
