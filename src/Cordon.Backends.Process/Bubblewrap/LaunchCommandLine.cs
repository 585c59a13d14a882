using System.Collections.Immutable;
using System.Globalization;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// Builds the argument vector of the whole launch chain as a list, never as a string (STYLE C11):
/// <c>cordon-launch enter</c> (join cgroups, drop root) → <c>bwrap</c> (namespaces, mounts) → <c>cordon-launch init</c>
/// (Landlock, rlimits, seccomp listener, exec of the guest as pid 1's child).
/// </summary>
internal static class LaunchCommandLine
{
    /// <summary>Where the launcher appears inside the sandbox.</summary>
    public const string GuestLauncherPath = "/.cordon/launch";

    /// <summary>The guest's uid/gid when it is not root inside.</summary>
    public const int GuestUid = 1000;

    /// <summary>Hostname inside the sandbox.</summary>
    public const string GuestHostname = "cordon";

    /// <summary>PATH inside the sandbox.</summary>
    public const string GuestPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>Devices bwrap's --dev provides; the guest may write to them.</summary>
    private static readonly string[] WritableDevices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"];

    public static ImmutableArray<string> Build(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        List<string> args = [spec.LauncherPath, "enter", "--status-fd", Fd(LaunchFds.Status), "--parent-pid", Fd(spec.SupervisorPid)];
        foreach (string dir in spec.CgroupJoinDirectories) args.AddRange(["--cgroup", dir]);
        if (spec.DropToHostUser is { } user) args.AddRange(["--user", $"{user.Uid}:{user.Gid}"]);
        args.Add("--");

        args.AddRange(BuildBwrap(spec));
        args.Add("--");
        args.AddRange(BuildInit(spec));
        args.Add("--");
        args.Add(spec.Command.Program);
        args.AddRange(spec.Command.Arguments);
        return [.. args];
    }

    private static List<string> BuildBwrap(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        long? tmpfsSize = policy.Limits.TmpfsSizeBytes;
        int uid = policy.GuestIsRoot ? 0 : GuestUid;
        List<string> a = [spec.BwrapPath,
            "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup"];
        if (policy.Network != NetworkMode.Host) a.Add("--unshare-net");
        a.AddRange([
            "--disable-userns", "--uid", Fd(uid), "--gid", Fd(uid), "--hostname", GuestHostname,
            "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL",
            "--clearenv", "--setenv", "PATH", GuestPath, "--setenv", "HOME", SandboxPolicy.WorkDirectoryGuestPath,
            "--setenv", "LANG", "C.UTF-8", "--setenv", "LC_ALL", "C.UTF-8"]);
        foreach ((string name, string value) in policy.Environment) a.AddRange(["--setenv", name, value]);

        if (policy.MountSystemDirectories)
        {
            a.AddRange(["--ro-bind", "/usr", "/usr",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]);
            foreach (string etc in spec.HostEtcFilesPresent) a.AddRange(["--ro-bind", etc, etc]);
        }

        int dataFd = LaunchFds.FirstData;
        foreach (string generated in spec.GeneratedEtcFiles) a.AddRange(["--ro-bind-data", Fd(dataFd++), generated]);

        a.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        AddTmpfs(a, "/tmp", tmpfsSize);
        AddTmpfs(a, "/dev/shm", tmpfsSize);
        if (policy.WorkDirectoryHostPath is { } work) a.AddRange(["--bind", work, SandboxPolicy.WorkDirectoryGuestPath]);
        else AddTmpfs(a, SandboxPolicy.WorkDirectoryGuestPath, tmpfsSize);

        foreach (MountSpec mount in policy.Mounts)
        {
            switch (mount.Kind)
            {
                case MountKind.ReadOnlyBind: a.AddRange(["--ro-bind", mount.HostPath!, mount.GuestPath]); break;
                case MountKind.ReadWriteBind: a.AddRange(["--bind", mount.HostPath!, mount.GuestPath]); break;
                case MountKind.Tmpfs: AddTmpfs(a, mount.GuestPath, mount.SizeBytes ?? tmpfsSize); break;
                case MountKind.CopiedFile: a.AddRange(["--ro-bind-data", Fd(dataFd++), mount.GuestPath]); break;
            }
        }

        foreach (var (host, guest) in spec.MountMistakesForTesting) a.AddRange(["--ro-bind", host, guest]);

        a.AddRange(["--ro-bind", spec.LauncherPath, GuestLauncherPath,
            "--chdir", spec.Command.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath,
            // The root itself is bwrap's tmpfs; nothing may be created beside the granted mounts.
            "--remount-ro", "/"]);
        return a;
    }

    private static List<string> BuildInit(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        ResourceLimits limits = policy.Limits;
        // Every run has a seccomp filter: the supervisor writes it to the pipe on LaunchFds.Bpf after the spawn.
        List<string> a = [GuestLauncherPath, "init", "--status-fd", Fd(LaunchFds.Status), "--notify-fd", Fd(LaunchFds.Notify), "--bpf-fd", Fd(LaunchFds.Bpf)];

        foreach ((string path, bool writable) in LandlockPaths(spec)) a.AddRange([writable ? "--landlock-rw" : "--landlock-ro", path]);

        // Listing "/" shows only the mount points bwrap made; reading anything beneath still needs a rule above.
        a.AddRange(["--landlock-list", "/"]);
        if (policy.Network == NetworkMode.None) a.Add("--landlock-deny-net");
        if (policy.RequireLandlock) a.Add("--require-landlock");

        a.AddRange(["--rlimit", "CORE=0:0"]);
        if (limits.OpenFiles is { } nofile) a.AddRange(["--rlimit", $"NOFILE={nofile}:{nofile}"]);
        if (limits.FileSizeBytes is { } fsize) a.AddRange(["--rlimit", $"FSIZE={fsize}:{fsize}"]);
        if (limits.StackBytes is { } stack) a.AddRange(["--rlimit", $"STACK={stack}:{stack}"]);
        if (spec.CpuRlimitSeconds is { } cpu) a.AddRange(["--rlimit", $"CPU={cpu}:{cpu + 1}"]);
        if (spec.AddressSpaceRlimitBytes is { } addressSpace) a.AddRange(["--rlimit", $"AS={addressSpace}:{addressSpace}"]);

        int guestFdSource = LaunchFds.FirstData + spec.GeneratedEtcFiles.Length
            + policy.Mounts.Count(m => m.Kind == MountKind.CopiedFile);
        foreach (var file in spec.Command.InheritedFiles) a.AddRange(["--fd", $"{guestFdSource++}:{file.GuestFd}"]);
        return a;
    }

    /// <summary>The Landlock view: exactly the mounts bwrap made, so a mistake in one layer does not open a door.</summary>
    internal static IEnumerable<(string Path, bool Writable)> LandlockPaths(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        if (policy.MountSystemDirectories)
        {
            yield return ("/usr", false);
            yield return ("/etc", false);
        }
        else if (!spec.GeneratedEtcFiles.IsEmpty)
        {
            yield return ("/etc", false);
        }

        yield return ("/proc", false);
        yield return (GuestLauncherPath, false);
        foreach (string device in WritableDevices) yield return (device, true);
        yield return ("/dev/pts", true);
        yield return ("/dev/shm", true);
        yield return ("/tmp", true);
        yield return (SandboxPolicy.WorkDirectoryGuestPath, true);
        foreach (MountSpec mount in policy.Mounts)
        {
            yield return (mount.GuestPath, mount.Kind is MountKind.ReadWriteBind or MountKind.Tmpfs);
        }
    }

    private static void AddTmpfs(List<string> args, string guestPath, long? sizeBytes)
    {
        if (sizeBytes is { } size) args.AddRange(["--size", size.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["--tmpfs", guestPath]);
    }

    private static string Fd(int value) => value.ToString(CultureInfo.InvariantCulture);
}
