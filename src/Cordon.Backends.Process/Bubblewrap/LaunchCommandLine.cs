using System.Collections.Immutable;
using System.Globalization;
using Cordon.Backends.Process.Planning;
using Cordon.Policy;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// Builds the argument vectors of the whole launch chain as lists, never as strings:
/// <c>cordon-launch enter</c> (join cgroups, stage idmapped grants, drop root) → <c>bwrap</c> (namespaces, mounts) →
/// <c>cordon-launch init</c> (Landlock, rlimits, seccomp listener, exec of the guest as pid 1's child).
/// </summary>
internal static class LaunchCommandLine
{
    /// <summary>The open-file limit with UDP rules: every descriptor below the launcher's fd 255 (see <see cref="Seccomp.SyscallProfiles.LauncherNotifyFd"/>).</summary>
    internal const int MaxOpenFilesWithUdpRules = (int)Seccomp.SyscallProfiles.LauncherNotifyFd;

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

    /// <summary>The spawned argv (<c>enter ... -- bwrap --args N -- init ... -- guest</c>) and bwrap's options, for <paramref name="mounts"/>.</summary>
    public static (ImmutableArray<string> Argv, ImmutableArray<string> BwrapOptions) Build(LaunchSpec spec, ImmutableArray<PlannedMount> mounts)
    {
        ImmutableArray<GrantedBind> binds = spec.Grants;
        LaunchHostFacts facts = spec.Facts;
        List<string> args = [facts.LauncherPath, "enter", "--status-fd", Fd(LaunchFds.Status), "--parent-pid", Fd(facts.SupervisorPid)];
        foreach (string dir in facts.Cgroup?.JoinDirectories ?? []) args.AddRange(["--cgroup", dir]);
        if (facts.JoinCgroupThroughProcs) args.Add("--cgroup-procs");
        if (facts.RunUser is { } user) args.AddRange(["--user", $"{user.Uid}:{user.Gid}"]);
        if (facts.IdmapStageDirectory is { } stage && binds.Any(b => b.Writable))
        {
            args.AddRange(["--stage", stage]);
            for (int i = 0, k = 0; i < binds.Length; i++)
            {
                if (!binds[i].Writable) continue;
                string source = Fd(spec.Fds.NumberOf(DescriptorRole.GrantSource, i));
                args.AddRange(["--idmap-fd", spec.BudgetWritableGrants ? $"{source}:{Fd(spec.Fds.NumberOf(DescriptorRole.DiskBudgetLayer, k++))}" : source]);
            }
        }

        args.AddRange(["--", facts.BwrapPath, "--args", Fd(LaunchFds.BwrapArgs), "--"]);
        args.AddRange(BuildInit(spec));
        args.Add("--");
        args.Add(spec.Command.Program);
        args.AddRange(spec.Command.Arguments);
        return ([.. args], [.. BuildBwrap(spec, mounts)]);
    }

    private static List<string> BuildBwrap(LaunchSpec spec, ImmutableArray<PlannedMount> mounts)
    {
        SandboxPolicy policy = spec.Policy;
        int uid = policy.GuestIsRoot ? 0 : GuestUid;
        List<string> a = [
            "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup"];
        if (policy.Network.Mode != NetworkMode.Host) a.Add("--unshare-net");
        a.AddRange([
            "--disable-userns", "--uid", Fd(uid), "--gid", Fd(uid), "--hostname", GuestHostname,
            "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL", "--info-fd", Fd(LaunchFds.BwrapInfo),
            "--clearenv", "--setenv", "PATH", GuestPath, "--setenv", "HOME", SandboxPolicy.WorkDirectoryGuestPath,
            "--setenv", "LANG", "C.UTF-8", "--setenv", "LC_ALL", "C.UTF-8"]);
        foreach ((string name, string value) in policy.Environment) a.AddRange(["--setenv", name, value]);
        foreach (PlannedMount mount in mounts) a.AddRange(mount.BwrapOptions);
        a.AddRange(["--chdir", spec.Command.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath]);
        return a;
    }

    /// <summary>The sandbox's mounts, in the order bwrap makes them.</summary>
    public static ImmutableArray<PlannedMount> Mounts(LaunchSpec spec)
    {
        SandboxPolicy policy = spec.Policy;
        long? tmpfsSize = policy.Limits.TmpfsSizeBytes;
        List<PlannedMount> m = [];
        if (policy.MountSystemDirectories)
        {
            m.Add(new(MountOperation.ReadOnlyBind, "/usr", "/usr"));
            m.Add(new(MountOperation.Symlink, "/bin", "usr/bin"));
            m.Add(new(MountOperation.Symlink, "/sbin", "usr/sbin"));
            m.Add(new(MountOperation.Symlink, "/lib", "usr/lib"));
            m.Add(new(MountOperation.Symlink, "/lib64", "usr/lib64"));
            foreach (string etc in spec.Facts.HostEtcFilesPresent) m.Add(new(MountOperation.ReadOnlyBind, etc, etc));
        }

        if (policy.Root.Kind == FilesystemRootKind.Image)
        {
            // The image's top level, read-only, onto bwrap's own root (which stays a tmpfs, remounted read-only last):
            // directories and files from descriptors the supervisor opened without following links, after the policy's grants.
            int image = spec.Grants.Count(g => !g.FromImage);
            foreach (ImageRoot.ImageRootEntry entry in spec.Facts.ImageEntries)
            {
                m.Add(entry.Kind == ImageRoot.ImageRootEntryKind.Symlink
                    ? new(MountOperation.Symlink, entry.GuestPath, entry.LinkTarget)
                    : new(MountOperation.ReadOnlyBindDescriptor, entry.GuestPath, Fd(spec.Fds.NumberOf(DescriptorRole.GrantSource, image++))));
            }
        }

        // The generated /etc files: in bwrap's root tmpfs, written, not mounted (a bind each cost bwrap a mount, a remount
        // and a read of the mount table); read-only with the root. An image root's /etc is the image's own read-only
        // directory, so there each is bound over its place.
        MountOperation generated = policy.Root.Kind == FilesystemRootKind.Image ? MountOperation.ReadOnlyData : MountOperation.RootFile;
        for (int i = 0; i < spec.GeneratedEtcFiles.Length; i++)
            m.Add(new(generated, spec.GeneratedEtcFiles[i], Fd(spec.Fds.NumberOf(DescriptorRole.GeneratedFile, i))));

        m.Add(new(MountOperation.Proc, "/proc"));
        m.Add(new(MountOperation.Dev, "/dev"));
        m.Add(new(MountOperation.Tmpfs, "/tmp", SizeBytes: tmpfsSize));
        m.Add(new(MountOperation.Tmpfs, "/dev/shm", SizeBytes: tmpfsSize));
        // Granted binds come from descriptors the supervisor opened without following links, never from paths bwrap
        // would resolve again; as root, writable ones come from the launcher's stage of idmapped clones.
        int bind = 0, staged = 0, copied = 0;
        if (policy.WorkDirectoryHostPath is not null) m.Add(GrantMount(spec, bind++, ref staged));
        else m.Add(new(MountOperation.Tmpfs, SandboxPolicy.WorkDirectoryGuestPath, SizeBytes: tmpfsSize));

        foreach (MountSpec mount in policy.Mounts)
        {
            switch (mount.Kind)
            {
                case MountKind.ReadOnlyBind or MountKind.ReadWriteBind: m.Add(GrantMount(spec, bind++, ref staged)); break;
                case MountKind.Tmpfs: m.Add(new(MountOperation.Tmpfs, mount.GuestPath, SizeBytes: mount.SizeBytes ?? tmpfsSize)); break;
                case MountKind.CopiedFile: m.Add(new(MountOperation.ReadOnlyData, mount.GuestPath, Fd(spec.Fds.NumberOf(DescriptorRole.CopiedFile, copied++)))); break;
            }
        }

        foreach (var (host, guest) in spec.Facts.MountMistakesForTesting) m.Add(new(MountOperation.ReadOnlyBind, guest, host));
        m.Add(new(MountOperation.ReadOnlyBind, GuestLauncherPath, spec.Facts.LauncherPath));
        // The root itself is bwrap's tmpfs; nothing may be created beside the granted mounts.
        m.Add(new(MountOperation.RemountReadOnly, "/"));
        return [.. m];
    }

    private static PlannedMount GrantMount(LaunchSpec spec, int index, ref int staged)
    {
        GrantedBind bind = spec.Grants[index];
        if (!bind.Writable) return new(MountOperation.ReadOnlyBindDescriptor, bind.GuestPath, Fd(spec.Fds.NumberOf(DescriptorRole.GrantSource, index)));
        if (spec.Facts.IdmapStageDirectory is { } stage)
            return new(MountOperation.Bind, bind.GuestPath, spec.BudgetWritableGrants ? $"{stage}/m{staged++}" : $"{stage}/{staged++}");
        return new(MountOperation.BindDescriptor, bind.GuestPath, Fd(spec.Fds.NumberOf(DescriptorRole.GrantSource, index)));
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
        // With an allowlist the supervisor carries out every TCP connect (the guest's own one never runs), so Landlock
        // refuses any the guest's task would make itself: a second layer under the seccomp routing, even on loopback.
        else if (Seccomp.SyscallProfiles.ConnectsThroughSupervisor(policy.Syscalls, policy.Network)) a.Add("--landlock-deny-connect");
        if (Network.DnsStub.Serves(policy)) a.Add("--dns-stub");
        if (policy.RequireLandlock) a.Add("--require-landlock");

        a.AddRange(["--rlimit", "CORE=0:0"]);
        // With UDP rules the launcher's sendmsg stays allowed on fd 255 alone; a limit of 255 means no guest file can ever
        // sit there (the launcher closes it before exec), so no socket of the host's can be sent on unseen.
        int? openFiles = Seccomp.SyscallProfiles.DatagramsThroughSupervisor(policy.Syscalls, policy.Network)
            ? Math.Min(limits.OpenFiles ?? MaxOpenFilesWithUdpRules, MaxOpenFilesWithUdpRules)
            : limits.OpenFiles;
        if (openFiles is { } nofile) a.AddRange(["--rlimit", $"NOFILE={nofile}:{nofile}"]);
        if (limits.FileSizeBytes is { } fsize) a.AddRange(["--rlimit", $"FSIZE={fsize}:{fsize}"]);
        if (limits.StackBytes is { } stack) a.AddRange(["--rlimit", $"STACK={stack}:{stack}"]);
        if (spec.CpuRlimitSeconds is { } cpu) a.AddRange(["--rlimit", $"CPU={cpu}:{cpu + 1}"]);
        if (spec.AddressSpaceRlimitBytes is { } addressSpace) a.AddRange(["--rlimit", $"AS={addressSpace}:{addressSpace}"]);

        for (int i = 0; i < spec.Command.InheritedFiles.Length; i++)
            a.AddRange(["--fd", $"{spec.Fds.NumberOf(DescriptorRole.InheritedFile, i)}:{spec.Command.InheritedFiles[i].GuestFd}"]);
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

        foreach (ImageRoot.ImageRootEntry entry in spec.Facts.ImageEntries)
        {
            if (entry.Kind != ImageRoot.ImageRootEntryKind.Symlink) yield return (entry.GuestPath, false);
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

    private static string Fd(int value) => value.ToString(CultureInfo.InvariantCulture);
}
