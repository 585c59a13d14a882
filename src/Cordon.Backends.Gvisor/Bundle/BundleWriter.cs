using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Cordon.Backends.Process.Bubblewrap;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Gvisor.Bundle;

/// <summary>
/// Turns a policy and a command into an OCI bundle for runsc: the root (a skeleton over the host's system directories,
/// or an unpacked image, read-only), the policy's mounts, the work directory, the environment, rlimits, the guest's uid,
/// no capabilities and no_new_privs.
/// </summary>
internal static class BundleWriter
{
    /// <summary>Guest uid and gid of a run that is not <see cref="SandboxPolicy.GuestIsRoot"/>: the process tier's.</summary>
    public const uint GuestId = LaunchCommandLine.GuestUid;

    /// <summary>Writes config.json (and the skeleton root of a host-system run) into <paramref name="run"/>; returns the spec written.</summary>
    public static OciSpec Write(RunDirectory run, SandboxPolicy policy, SandboxCommand command)
    {
        string rootPath;
        List<OciMount> mounts = [];
        if (policy.Root.Kind == FilesystemRootKind.Image)
        {
            rootPath = Path.GetFullPath(policy.Root.ImagePath!);
        }
        else
        {
            rootPath = Path.Combine(run.Bundle, "rootfs");
            WriteSkeleton(rootPath, policy, mounts);
        }

        mounts.Add(new("/proc", "proc", "proc"));
        mounts.Add(new("/dev", "tmpfs", "tmpfs", ["nosuid", "noexec", "mode=755"]));
        mounts.Add(Tmpfs("/tmp", policy.Limits.TmpfsSizeBytes));
        mounts.Add(policy.WorkDirectoryHostPath is { } work
            ? new(SandboxPolicy.WorkDirectoryGuestPath, "bind", Path.GetFullPath(work), ["rbind", "rw", "nosuid", "nodev"])
            : Tmpfs(SandboxPolicy.WorkDirectoryGuestPath, policy.Limits.TmpfsSizeBytes));

        int copied = 0;
        foreach (MountSpec mount in policy.Mounts)
        {
            switch (mount.Kind)
            {
                case MountKind.ReadOnlyBind:
                    mounts.Add(new(mount.GuestPath, "bind", mount.HostPath!, ["rbind", "ro", "nosuid", "nodev"]));
                    break;
                case MountKind.ReadWriteBind:
                    mounts.Add(new(mount.GuestPath, "bind", mount.HostPath!, ["rbind", "rw", "nosuid", "nodev"]));
                    break;
                case MountKind.Tmpfs:
                    mounts.Add(Tmpfs(mount.GuestPath, mount.SizeBytes));
                    break;
                case MountKind.CopiedFile:
                    // The guest gets its own copy: changes stay in the run directory and go with it.
                    Directory.CreateDirectory(run.Files);
                    string copy = Path.Combine(run.Files, (copied++).ToString(CultureInfo.InvariantCulture));
                    File.Copy(mount.HostPath!, copy);
                    mounts.Add(new(mount.GuestPath, "bind", copy, ["bind", "rw", "nosuid", "nodev"]));
                    break;
            }
        }

        uint id = policy.GuestIsRoot ? 0 : GuestId;
        var spec = new OciSpec(
            "1.0.2",
            new OciProcess(false, new OciUser(id, id, []), [command.Program, .. command.Arguments], Environment(policy),
                command.WorkingDirectory ?? SandboxPolicy.WorkDirectoryGuestPath, OciCapabilities.None, Rlimits(policy.Limits), NoNewPrivileges: true),
            new OciRoot(rootPath, Readonly: true),
            LaunchCommandLine.GuestHostname,
            [.. mounts],
            new OciLinux([new("pid"), new("network"), new("ipc"), new("uts"), new("mount")]));
        File.WriteAllBytes(Path.Combine(run.Bundle, "config.json"), JsonSerializer.SerializeToUtf8Bytes(spec, OciSpecJsonContext.Default.OciSpec));
        return spec;
    }

    /// <summary>The guest's environment: the process tier's defaults, then exactly the policy's variables.</summary>
    internal static ImmutableArray<string> Environment(SandboxPolicy policy)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = LaunchCommandLine.GuestPath,
            ["HOME"] = SandboxPolicy.WorkDirectoryGuestPath,
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = "C.UTF-8",
        };
        foreach ((string name, string value) in policy.Environment) env[name] = value;
        return [.. env.Select(kv => kv.Key + "=" + kv.Value)];
    }

    /// <summary>The rlimits the Sentry enforces per guest task; RLIMIT_NPROC is the process limit (the Sentry counts its own tasks).</summary>
    internal static ImmutableArray<OciRlimit> Rlimits(ResourceLimits limits)
    {
        List<OciRlimit> r = [new("RLIMIT_CORE", 0, 0)];
        if (limits.OpenFiles is { } files) r.Add(new("RLIMIT_NOFILE", (ulong)files, (ulong)files));
        if (limits.MaxProcesses is { } tasks) r.Add(new("RLIMIT_NPROC", (ulong)tasks, (ulong)tasks));
        if (limits.FileSizeBytes is { } size) r.Add(new("RLIMIT_FSIZE", (ulong)size, (ulong)size));
        if (limits.StackBytes is { } stack) r.Add(new("RLIMIT_STACK", (ulong)stack, (ulong)stack));
        // A second layer under the supervisor's cgroup poll, as in the process tier: SIGXCPU one second past the limit.
        if (limits.CpuTime is { } cpu)
        {
            ulong seconds = (ulong)Math.Ceiling(cpu.TotalSeconds) + 1;
            r.Add(new("RLIMIT_CPU", seconds, seconds + 1));
        }

        return [.. r];
    }

    private static OciMount Tmpfs(string destination, long? sizeBytes)
        => new(destination, "tmpfs", "tmpfs", sizeBytes is { } size
            ? ["nosuid", "nodev", "mode=1777", "size=" + size.ToString(CultureInfo.InvariantCulture)]
            : ["nosuid", "nodev", "mode=1777"]);

    /// <summary>
    /// The root of a host-system (or empty) run: an empty directory with the /bin, /lib, /sbin links, mount points, and the
    /// process tier's generated /etc, with /usr and the documented /etc files bound read-only from the host.
    /// </summary>
    private static void WriteSkeleton(string root, SandboxPolicy policy, List<OciMount> mounts)
    {
        Directory.CreateDirectory(root);
        foreach (string dir in new[] { "usr", "etc", "proc", "dev", "tmp", "work", "sys" }) Directory.CreateDirectory(Path.Combine(root, dir));
        if (policy.MountSystemDirectories)
        {
            foreach ((string link, string target) in new[] { ("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64") })
                File.CreateSymbolicLink(Path.Combine(root, link), target);
            mounts.Add(new("/usr", "bind", "/usr", ["rbind", "ro", "nosuid", "nodev"]));
        }

        foreach ((string guestPath, byte[] contents) in GuestEtc.Generated(policy.GuestIsRoot))
            File.WriteAllBytes(Path.Combine(root, guestPath.TrimStart('/')), contents);
        foreach (string hostFile in policy.MountSystemDirectories ? GuestEtc.PresentHostFiles() : [])
        {
            string point = Path.Combine(root, hostFile.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(point)!);
            if (Directory.Exists(hostFile)) Directory.CreateDirectory(point);
            else File.WriteAllBytes(point, []);
            mounts.Add(new(hostFile, "bind", hostFile, ["rbind", "ro", "nosuid", "nodev"]));
        }

        // Mount points of the policy's own grants, so runsc need not create them in a read-only root.
        foreach (MountSpec mount in policy.Mounts)
        {
            string point = Path.Combine(root, mount.GuestPath.TrimStart('/'));
            if (Path.Exists(point)) continue;
            bool isFile = mount.Kind == MountKind.CopiedFile || (mount.HostPath is { } host && File.Exists(host));
            Directory.CreateDirectory(isFile ? Path.GetDirectoryName(point)! : point);
            if (isFile) File.WriteAllBytes(point, []);
        }
    }
}
