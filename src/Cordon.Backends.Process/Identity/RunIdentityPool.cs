using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Identity;

/// <summary>
/// Hands out host uids from a <see cref="HostIdentityRange"/> to concurrent runs on this host, across every Cordon
/// process: an id is taken by holding <c>flock</c> on <c>/run/cordon/ids/UID</c>, which the kernel also releases when
/// its holder dies. The holder writes its pid there and empties the file on a clean release; a non-empty file found
/// unlocked means its holder died, so the id is reused only once no process runs under it.
/// </summary>
/// <remarks>Ids are tried lowest first, so a host with N runs in flight touches about N lock files.</remarks>
internal sealed class RunIdentityPool(HostIdentityRange range, string stateDirectory = RunIdentityPool.StateDirectory)
{
    /// <summary>Where Cordon keeps host-wide state as root (a tmpfs on most systems, so it starts empty at boot).</summary>
    public const string StateDirectory = "/run/cordon";

    /// <summary>The private mount namespace's stage for idmapped grants (an empty directory on the host).</summary>
    public string StageDirectory => Path.Combine(stateDirectory, "stage");

    private string IdsDirectory => Path.Combine(stateDirectory, "ids");

    private volatile bool _directoriesChecked;

    /// <summary>Takes a free id.</summary>
    /// <exception cref="SandboxSetupException">The state directory is unsafe, or every id of the range is in use.</exception>
    public RunIdentity Acquire()
    {
        if (!_directoriesChecked)
        {
            EnsureDirectories();
            _directoriesChecked = true;
        }

        for (uint offset = 0; offset < range.Count; offset++)
        {
            uint id = range.First + offset;
            string path = Path.Combine(IdsDirectory, id.ToString(CultureInfo.InvariantCulture));
            SafeFileHandle file = Interop.Libc.Open(path, Interop.Libc.ORdWr | Interop.Libc.OCreat | Interop.Libc.ONoFollow | Interop.Libc.OCloExec, 0x180 /* 0600 */);
            if (file.IsInvalid)
            {
                int errno = Marshal.GetLastPInvokeError();
                file.Dispose();
                throw new SandboxSetupException("run-identity", $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", $"{stateDirectory} must be a root-owned directory");
            }

            if (Interop.Libc.Flock(file, Interop.Libc.LockExclusive | Interop.Libc.LockNonBlocking) != 0)
            {
                file.Dispose();
                continue; // in use by a live run
            }

            if (RandomAccess.GetLength(file) > 0 && AnyProcessRunsAs(id))
            {
                file.Dispose(); // its last holder died and left processes behind: not reusable yet
                continue;
            }

            byte[] pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            Interop.Libc.Ftruncate(file, 0);
            RandomAccess.Write(file, pid, 0);
            return new RunIdentity(id, file);
        }

        throw new SandboxSetupException("run-identity", $"all {range.Count} host ids of the range {range} are in use by runs in flight", "wait for runs to finish, or configure a larger range");
    }

    /// <summary>Creates the state directories root-owned, and refuses ones that are links or belong to someone else.</summary>
    private void EnsureDirectories()
    {
        EnsureDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        EnsureDirectory(IdsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // bwrap runs as the run's uid and must traverse the stage to bind from it.
        EnsureDirectory(StageDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static void EnsureDirectory(string path, UnixFileMode mode)
    {
        try
        {
            Directory.CreateDirectory(path, mode);
            var info = new DirectoryInfo(path);
            Cordon.HostFiles.OpenedHostPath opened = Cordon.HostFiles.HostPath.OpenForBinding(path, "run-identity");
            using (opened.Handle)
            {
                if (opened.Kind != Cordon.HostFiles.HostObjectKind.Directory || opened.OwnerUid != 0)
                    throw new SandboxSetupException("run-identity", $"{path} must be a directory owned by root", $"remove {path}; Cordon recreates it");
            }

            if ((info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new SandboxSetupException("run-identity", $"{path} is writable by group or others", $"chmod go-w {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxSetupException("run-identity", $"cannot create {path}: {e.Message}", "run as root, or check /run");
        }
    }

    /// <summary>Any process whose real, effective, saved or filesystem uid is <paramref name="uid"/>.</summary>
    internal static bool AnyProcessRunsAs(uint uid)
    {
        string wanted = uid.ToString(CultureInfo.InvariantCulture);
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                    if (line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains(wanted, StringComparer.Ordinal)) return true;
                    break;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return false;
    }
}
