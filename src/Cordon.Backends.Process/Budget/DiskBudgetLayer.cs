using System.Globalization;
using System.Runtime.InteropServices;
using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Budget;

/// <summary>
/// A writable grant's disk budget: a tmpfs of the budget's size and inode count, made as a detached mount (attached
/// nowhere on the host, so nothing is left to unmount), holding the overlay's <c>upper/</c> and <c>work/</c>. The launcher
/// puts it above the grant; the guest's writes fill it and stop at ENOSPC; after the run <see cref="CopyBack"/> applies
/// it to the host directory. Its pages are charged to whoever writes them: the guest, inside its memory cgroup.
/// </summary>
internal sealed class DiskBudgetLayer : IDisposable
{
    private DiskBudgetLayer(SafeFileHandle mount, string guestPath) => (Mount, GuestPath) = (mount, guestPath);

    /// <summary>The detached tmpfs; whoever holds it keeps it alive.</summary>
    public SafeFileHandle Mount { get; }

    /// <summary>Where the guest sees the grant (for messages).</summary>
    public string GuestPath { get; }

    /// <summary>Makes the layer; <c>upper/</c> starts with the grant's mode and belongs to the run's uid, as the idmapped grant shows it.</summary>
    public static DiskBudgetLayer Create(long bytes, long inodes, uint runUid, uint runGid, uint sourceMode, string guestPath)
    {
        int context = Interop.Libc.Fsopen("tmpfs");
        if (context < 0) throw Interop.Errno.Setup("disk-budget", "fsopen(tmpfs) failed; a disk budget needs Linux 5.2+", "run with --disk none to write straight through");
        int mount;
        try
        {
            // Two inodes more than asked: the layer's own upper/ and work/.
            Configure(context, "size", bytes.ToString(CultureInfo.InvariantCulture));
            Configure(context, "nr_inodes", (inodes + 3).ToString(CultureInfo.InvariantCulture));
            Configure(context, "mode", "0755");
            if (Interop.Libc.Fsconfig(context, Interop.Libc.FsconfigCmdCreate, null, null) != 0)
                throw Interop.Errno.Setup("disk-budget", "cannot create the budget's tmpfs");
            mount = Interop.Libc.Fsmount(context, Interop.Libc.MountAttrNosuid | Interop.Libc.MountAttrNodev);
            if (mount < 0) throw Interop.Errno.Setup("disk-budget", "cannot mount the budget's tmpfs");
        }
        finally
        {
            Interop.Libc.Close(context);
        }

        var handle = new SafeFileHandle(mount, ownsHandle: true);
        try
        {
            foreach (string dir in new[] { "upper", "work" })
            {
                if (Interop.Libc.Mkdirat(handle, dir, 0x1C0 /* 0700 */) != 0) throw Interop.Errno.Setup("disk-budget", $"cannot make the budget's {dir}/");
            }

            if (Interop.Libc.Fchownat(handle, "upper", runUid, runGid, Interop.Libc.AtSymlinkNoFollow) != 0
                || Interop.Libc.Fchmodat(handle, "upper", sourceMode & 0x1FF, 0) != 0)
            {
                throw Interop.Errno.Setup("disk-budget", "cannot give the budget's upper/ to the run");
            }

            return new DiskBudgetLayer(handle, guestPath);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the guest used up the bytes or the inodes (a tmpfs keeps nothing in reserve).</summary>
    public bool IsFull()
    {
        if (HostFiles.FilesystemSpace.Free(Mount) is not { } free) return false;
        // A few blocks short counts as full: writes fail once the next page does not fit.
        return free.FreeBlocks <= 2 || free.FreeFiles == 0;
    }

    /// <summary>Applies the upper layer to <paramref name="target"/> with the launcher's copyback mode; returns a warning, or null.</summary>
    /// <exception cref="SandboxSetupException">The copy failed part way (the message names the step).</exception>
    public string? CopyBack(string launcherPath, SafeFileHandle target, uint ownerUid, uint ownerGid)
    {
        var (statusRead, statusWrite) = Interop.FileDescriptors.CreatePipe(nonBlockingRead: false);
        using (statusRead)
        {
            int pid;
            using (statusWrite)
            {
                pid = Supervision.ChainSpawner.Spawn(
                    [launcherPath, "copyback", "--status-fd", "3", "--upper-fd", "4", "--target-fd", "5", "--owner", $"{ownerUid}:{ownerGid}"],
                    [(statusWrite, 3), (Mount, 4), (target, 5)]);
            }

            string status = ReadAll(statusRead);
            Interop.Libc.WaitPid(pid, out int waitStatus, 0);
            string[] words = status.Trim().Split(' ');
            if (words is ["C", _, var skipped])
                return skipped == "0" ? null : $"{GuestPath}: {skipped} FIFOs, sockets or device nodes the guest made were not copied back";
            if (words is ["F", var step, var errno] && int.TryParse(errno, CultureInfo.InvariantCulture, out int code))
                throw new SandboxSetupException("copy back", $"applying the guest's writes to {GuestPath} failed at {step}: {Marshal.GetPInvokeErrorMessage(code)} (errno {code})", "the host directory may hold part of the writes");
            throw new SandboxSetupException("copy back", $"applying the guest's writes to {GuestPath} ended without a report (wait status {waitStatus})", "run cordon doctor");
        }
    }

    private static string ReadAll(SafeFileHandle read)
    {
        var text = new System.Text.StringBuilder();
        Span<byte> buffer = stackalloc byte[256];
        while (true)
        {
            int n = Interop.FileDescriptors.ReadAvailable(read, buffer);
            if (n <= 0) break;
            text.Append(System.Text.Encoding.ASCII.GetString(buffer[..n]));
        }

        return text.ToString();
    }

    private static void Configure(int context, string key, string value)
    {
        if (Interop.Libc.Fsconfig(context, Interop.Libc.FsconfigSetString, key, value) != 0)
            throw Interop.Errno.Setup("disk-budget", $"the budget's tmpfs refused {key}={value}");
    }

    public void Dispose() => Mount.Dispose();
}
