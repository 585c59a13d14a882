using System.Collections.Immutable;
using System.Globalization;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>The launch chain's command line, and bwrap's options, which travel through <see cref="LaunchFds.BwrapArgs"/>.</summary>
/// <param name="Argv">What is spawned: <c>cordon-launch enter ... -- bwrap --args 6 -- cordon-launch init ... -- guest</c>.</param>
/// <param name="BwrapOptions">bwrap's options (environment values among them), written NUL-separated to its args descriptor.</param>
internal sealed record LaunchArguments(ImmutableArray<string> Argv, ImmutableArray<string> BwrapOptions)
{
    /// <summary>The bwrap options as bwrap reads them from <c>--args</c>: each followed by a NUL.</summary>
    public byte[] BwrapOptionsFile() => System.Text.Encoding.UTF8.GetBytes(string.Concat(BwrapOptions.Select(o => o + "\0")));

    /// <summary>The chain as one argument vector with bwrap's options in place (tests, dry runs).</summary>
    public ImmutableArray<string> Expanded()
    {
        int at = Argv.IndexOf("--args");
        return [.. Argv.Take(at), .. BwrapOptions, .. Argv.Skip(at + 2)];
    }
}

/// <summary>
/// Builds the argument vectors of the whole launch chain as lists, never as strings:
/// <c>cordon-launch enter</c> (join cgroups, stage idmapped grants, drop root) → <c>bwrap</c> (namespaces, mounts) →
/// <c>cordon-launch init</c> (Landlock, rlimits, seccomp listener, exec of the guest as pid 1's child).
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

    public static LaunchArguments Build(LaunchSpec spec)
    {
        ImmutableArray<GrantedBind> binds = GrantedBind.All(spec.Policy);
        List<string> args = [spec.LauncherPath, "enter", "--status-fd", Fd(LaunchFds.Status), "--parent-pid", Fd(spec.SupervisorPid)];
        foreach (string dir in spec.CgroupJoinDirectories) args.AddRange(["--cgroup", dir]);
        if (spec.JoinCgroupThroughProcs) args.Add("--cgroup-procs");
        if (spec.DropToHostUser is { } user) args.AddRange(["--user", $"{user.Uid}:{user.Gid}"]);
        if (spec.IdmapStageDirectory is { } stage && binds.Any(b => b.Writable))
        {
            args.AddRange(["--stage", stage]);
            for (int i = 0, k = 0; i < binds.Length; i++)
            {
                if (!binds[i].Writable) continue;
                string source = Fd(LaunchFds.BindSource(spec, i));
                args.AddRange(["--idmap-fd", spec.BudgetWritableGrants ? $"{source}:{Fd(LaunchFds.BudgetLayer(spec, k++))}" : source]);
            }
        }

        args.AddRange(["--", spec.BwrapPath, "--args", Fd(LaunchFds.BwrapArgs), "--"]);
        args.AddRange(BuildInit(spec));
        args.Add("--");
        args.Add(spec.Command.Program);
        args.AddRange(spec.Command.Arguments);
        return new LaunchArguments([.. args], [.. BuildBwrap(spec, binds)]);
    }

    private static List<string> BuildBwrap(LaunchSpec spec, ImmutableArray<GrantedBind> binds)
    {
        SandboxPolicy policy = spec.Policy;
        long? tmpfsSize = policy.Limits.TmpfsSizeBytes;
        int uid = policy.GuestIsRoot ? 0 : GuestUid;
        List<string> a = [
            "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup"];
        if (policy.Network.Mode != NetworkMode.Host) a.Add("--unshare-net");
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

        for (int i = 0; i < spec.GeneratedEtcFiles.Length; i++) a.AddRange(["--ro-bind-data", Fd(LaunchFds.EtcFile(spec, i)), spec.GeneratedEtcFiles[i]]);

        a.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        AddTmpfs(a, "/tmp", tmpfsSize);
        AddTmpfs(a, "/dev/shm", tmpfsSize);
        // Granted binds come from descriptors the supervisor opened without following links, never from paths bwrap
        // would resolve again; as root, writable ones come from the launcher's stage of idmapped clones.
        int bind = 0, staged = 0, copied = 0;
        if (policy.WorkDirectoryHostPath is not null) AddBind(a, spec, binds, bind++, ref staged);
        else AddTmpfs(a, SandboxPolicy.WorkDirectoryGuestPath, tmpfsSize);

        foreach (MountSpec mount in policy.Mounts)
        {
            switch (mount.Kind)
            {
                case MountKind.ReadOnlyBind or MountKind.ReadWriteBind: AddBind(a, spec, binds, bind++, ref staged); break;
                case MountKind.Tmpfs: AddTmpfs(a, mount.GuestPath, mount.SizeBytes ?? tmpfsSize); break;
                case MountKind.CopiedFile: a.AddRange(["--ro-bind-data", Fd(LaunchFds.CopiedFile(spec, copied++)), mount.GuestPath]); break;
            }
        }

        foreach (var (host, guest) in spec.MountMistakesForTesting) a.AddRange(["--ro-bind", host, guest]);

        a.AddRange(["--ro-bind", spec.LauncherPath, GuestLauncherPath,
            "--chdir", spec.Command.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath,
            // The root itself is bwrap's tmpfs; nothing may be created beside the granted mounts.
            "--remount-ro", "/"]);
        return a;
    }

    private static void AddBind(List<string> args, LaunchSpec spec, ImmutableArray<GrantedBind> binds, int index, ref int staged)
    {
        GrantedBind bind = binds[index];
        if (!bind.Writable) args.AddRange(["--ro-bind-fd", Fd(LaunchFds.BindSource(spec, index)), bind.GuestPath]);
        else if (spec.IdmapStageDirectory is { } stage) args.AddRange(["--bind", spec.BudgetWritableGrants ? $"{stage}/m{staged++}" : $"{stage}/{staged++}", bind.GuestPath]);
        else args.AddRange(["--bind-fd", Fd(LaunchFds.BindSource(spec, index)), bind.GuestPath]);
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
        if (policy.Network.Mode == NetworkMode.None) a.Add("--landlock-deny-net");
        if (policy.RequireLandlock) a.Add("--require-landlock");

        a.AddRange(["--rlimit", "CORE=0:0"]);
        if (limits.OpenFiles is { } nofile) a.AddRange(["--rlimit", $"NOFILE={nofile}:{nofile}"]);
        if (limits.FileSizeBytes is { } fsize) a.AddRange(["--rlimit", $"FSIZE={fsize}:{fsize}"]);
        if (limits.StackBytes is { } stack) a.AddRange(["--rlimit", $"STACK={stack}:{stack}"]);
        if (spec.CpuRlimitSeconds is { } cpu) a.AddRange(["--rlimit", $"CPU={cpu}:{cpu + 1}"]);
        if (spec.AddressSpaceRlimitBytes is { } addressSpace) a.AddRange(["--rlimit", $"AS={addressSpace}:{addressSpace}"]);

        for (int i = 0; i < spec.Command.InheritedFiles.Length; i++)
            a.AddRange(["--fd", $"{LaunchFds.Inherited(spec, i)}:{spec.Command.InheritedFiles[i].GuestFd}"]);
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
