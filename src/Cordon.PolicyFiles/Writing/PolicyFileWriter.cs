using System.Globalization;
using System.Text;
using Cordon.Policy;
using Cordon.PolicyFiles.Toml;
using Cordon.Units;

namespace Cordon.PolicyFiles.Writing;

/// <summary>Writes a resolved policy as a policy file listing every key, so a reader sees every door and every limit.</summary>
internal static class PolicyFileWriter
{
    public static string Write(SandboxPolicy policy, bool asSeenInside = false)
    {
        var w = new StringBuilder();
        w.Append("# Effective Cordon policy: extends and defaults resolved; anything not listed here is closed.\n\n");
        w.Append("system_dirs = ").Append(Bool(policy.MountSystemDirectories))
            .Append(policy.MountSystemDirectories ? "        # /usr, /bin, /lib and a minimal /etc, read-only\n" : "       # nothing from the host's system directories\n");
        if (policy.Root.ImagePath is { } rootfs) w.Append("rootfs = ").Append(TomlText.String(rootfs)).Append("   # an unpacked image root, read-only\n");
        if (policy.WorkDirectoryHostPath is not null && asSeenInside)
            w.Append("workdir = ").Append(TomlText.String(SandboxPolicy.WorkDirectoryGuestPath)).Append("   # the work directory, where it is inside\n");
        else if (policy.WorkDirectoryHostPath is { } work)
            w.Append("workdir = ").Append(TomlText.String(work)).Append("   # bound read-write at /work\n");
        else
            w.Append("workdir = false           # /work is a private tmpfs\n");
        w.Append("network = ").Append(TomlText.String(Contracts.WireNames.Network(policy.Network.Mode))).Append('\n');
        if (!policy.Network.Allowed.IsEmpty)
            w.Append("network_allow = [").Append(string.Join(", ", policy.Network.Allowed.Select(d => TomlText.String(d.ToString())))).Append("]\n");
        w.Append("guest_root = ").Append(Bool(policy.GuestIsRoot)).Append('\n');

        ResourceLimits limits = policy.Limits;
        w.Append("\n[limits]                  # \"none\" means unlimited\n");
        w.Append("time = ").Append(Duration(limits.WallTime)).Append('\n');
        w.Append("cpu = ").Append(Duration(limits.CpuTime)).Append('\n');
        w.Append("memory = ").Append(Size(limits.MemoryBytes)).Append('\n');
        w.Append("pids = ").Append(Count(limits.MaxProcesses)).Append('\n');
        w.Append("output = ").Append(Size(limits.MaxOutputBytes)).Append('\n');
        w.Append("output_action = ").Append(TomlText.String(Contracts.WireNames.Output(limits.OutputAction))).Append('\n');
        w.Append("fsize = ").Append(Size(limits.FileSizeBytes)).Append('\n');
        w.Append("tmp_size = ").Append(Size(limits.TmpfsSizeBytes)).Append('\n');
        w.Append("nofile = ").Append(Count(limits.OpenFiles)).Append('\n');
        w.Append("stack = ").Append(Size(limits.StackBytes)).Append('\n');
        w.Append("disk = ").Append(Size(limits.DiskBytes)).Append('\n');
        w.Append("disk_inodes = ").Append(Count(limits.DiskInodes is { } i ? (int)i : null)).Append('\n');

        SyscallPolicy syscalls = policy.Syscalls;
        w.Append("\n[syscalls]\n");
        w.Append("profile = ").Append(TomlText.String(syscalls.Profile switch
        {
            SyscallProfile.Strict => "strict",
            SyscallProfile.Custom => "custom",
            _ => "default",
        })).Append('\n');
        if (syscalls.Profile == SyscallProfile.Custom) WriteNames(w, syscalls.AllowedSyscalls);
        w.Append("on_violation = ").Append(TomlText.String(Contracts.WireNames.Violation(syscalls.OnViolation))).Append('\n');

        w.Append("\n[require]                 # refuse to run rather than degrade\n");
        w.Append("cgroups = ").Append(Bool(policy.RequireCgroups)).Append('\n');
        w.Append("landlock = ").Append(Bool(policy.RequireLandlock)).Append('\n');

        if (policy.Network.Mode == NetworkMode.Host)
        {
            w.Append("\n[dangerous]\n");
            w.Append("host_network = true       # the guest shares the host's network namespace\n");
        }

        w.Append("\n[env]").Append(policy.Environment.IsEmpty ? "                     # nothing besides PATH, HOME, LANG, LC_ALL\n" : "\n");
        foreach ((string name, string value) in policy.Environment)
        {
            w.Append(TomlText.Key(name)).Append(" = ").Append(TomlText.String(value)).Append('\n');
        }

        if (policy.Mounts.IsEmpty) w.Append("\n# no extra mounts\n");
        foreach (MountSpec mount in policy.Mounts)
        {
            w.Append("\n[[mounts]]\n");
            w.Append("type = ").Append(TomlText.String(mount.Kind switch
            {
                MountKind.ReadOnlyBind => "ro",
                MountKind.ReadWriteBind => "rw",
                MountKind.Tmpfs => "tmpfs",
                // Inside, a copied file is already a file at its guest path: the runner only reads it.
                _ when asSeenInside => "ro",
                _ => "file",
            })).Append('\n');
            if (mount.HostPath is { } host) w.Append("host = ").Append(TomlText.String(asSeenInside ? mount.GuestPath : host)).Append('\n');
            w.Append("guest = ").Append(TomlText.String(mount.GuestPath)).Append('\n');
            if (mount.SizeBytes is { } size) w.Append("size = ").Append(Size(size)).Append('\n');
        }

        return w.ToString();
    }

    private static void WriteNames(StringBuilder w, IReadOnlyList<string> names)
    {
        w.Append("allow = [\n");
        int column = 0;
        foreach (string name in names)
        {
            string item = TomlText.String(name) + ",";
            if (column > 0 && column + 1 + item.Length > 100)
            {
                w.Append('\n');
                column = 0;
            }

            w.Append(column == 0 ? "    " : " ").Append(item);
            column += (column == 0 ? 4 : 1) + item.Length;
        }

        w.Append("\n]\n");
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Duration(TimeSpan? value) => TomlText.String(value is { } v ? DurationText.Format(v) : "none");

    private static string Size(long? value) => TomlText.String(value is { } v ? ByteSize.Format(v) : "none");

    private static string Count(int? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : TomlText.String("none");
}
