using Cordon.Errors;

namespace Cordon.Policy;

public sealed partial class SandboxPolicyBuilder
{
    /// <summary>Guest paths Cordon itself owns; a mount there would hide or replace sandbox machinery.</summary>
    private static readonly string[] ReservedGuestPaths = ["/", "/proc", "/dev", "/.cordon", SandboxPolicy.WorkDirectoryGuestPath, "/tmp"];

    /// <summary>Binds a host file or directory read-only at <paramref name="guestPath"/> (default: the same path).</summary>
    public SandboxPolicyBuilder MountReadOnly(string hostPath, string? guestPath = null, string? source = null)
        => AddMount(MountKind.ReadOnlyBind, hostPath, guestPath ?? hostPath, null, source);

    /// <summary>Binds a host file or directory read-write: the guest can change host data there.</summary>
    public SandboxPolicyBuilder MountReadWrite(string hostPath, string? guestPath = null, string? source = null)
        => AddMount(MountKind.ReadWriteBind, hostPath, guestPath ?? hostPath, null, source);

    /// <summary>Adds a private tmpfs at <paramref name="guestPath"/> (size: the tmpfs limit unless given).</summary>
    public SandboxPolicyBuilder MountTmpfs(string guestPath, long? sizeBytes = null, string? source = null)
        => AddMount(MountKind.Tmpfs, null, guestPath, sizeBytes, source);

    /// <summary>Copies one host file's contents into the guest, read-only, at <paramref name="guestPath"/>.</summary>
    public SandboxPolicyBuilder CopyFile(string guestPath, string hostPath, string? source = null)
        => AddMount(MountKind.CopiedFile, hostPath, guestPath, null, source);

    /// <summary>Binds a host directory read-write at <c>/work</c> and makes it the current directory (default: a private tmpfs).</summary>
    public SandboxPolicyBuilder WithWorkDirectory(string? hostDirectory)
    {
        _workDirectoryHostPath = hostDirectory;
        return this;
    }

    /// <summary>Whether /usr, the /bin and /lib links and a minimal /etc are mounted (default true; false for static binaries).</summary>
    public SandboxPolicyBuilder WithSystemDirectories(bool mount)
    {
        _root = mount ? FilesystemRoot.HostSystem : FilesystemRoot.Empty;
        return this;
    }

    /// <summary>Removes every mount given so far (to place the grants anew, e.g. where a contained runner sees them).</summary>
    public SandboxPolicyBuilder WithoutMounts()
    {
        _mounts.Clear();
        return this;
    }

    /// <summary>
    /// Sets what the root filesystem is made of: the host's system directories (the default), nothing, or an unpacked
    /// image (for a tier that supports one; the others refuse the policy).
    /// </summary>
    public SandboxPolicyBuilder WithRoot(FilesystemRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.ImagePath is { } path && !Path.IsPathFullyQualified(path))
        {
            _deferredErrors.Add(new("filesystem.root", $"the image root '{path}' must be an absolute host path"));
        }

        _root = root;
        return this;
    }

    private SandboxPolicyBuilder AddMount(MountKind kind, string? hostPath, string guestPath, long? sizeBytes, string? source)
    {
        _mounts.Add((new MountSpec(kind, hostPath, guestPath, sizeBytes), source));
        return this;
    }

    private void ValidateFilesystem(List<PolicyError> problems)
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (int i = 0; i < _mounts.Count; i++)
        {
            (MountSpec mount, string? source) = _mounts[i];
            string key = $"mounts[{i}]";
            if (!IsCleanAbsolute(mount.GuestPath))
            {
                problems.Add(new($"{key}.guest", $"guest path '{mount.GuestPath}' must be absolute and normalised (no '.', '..', '//' or trailing '/')", source));
            }
            else if (ReservedGuestPaths.Any(r => mount.GuestPath == r || (r != "/" && r != "/tmp" && r != SandboxPolicy.WorkDirectoryGuestPath && mount.GuestPath.StartsWith(r + "/", StringComparison.Ordinal))))
            {
                problems.Add(new($"{key}.guest", $"guest path '{mount.GuestPath}' is reserved by Cordon; choose another path", source));
            }
            else if (!seen.Add(mount.GuestPath))
            {
                problems.Add(new($"{key}.guest", $"guest path '{mount.GuestPath}' is mounted twice; each guest path takes one mount", source));
            }

            if (mount.Kind == MountKind.Tmpfs)
            {
                if (mount.SizeBytes is { } size && size < 4096)
                {
                    problems.Add(new($"{key}.size", $"tmpfs size {size} is below one page (4K)", source));
                }

                continue;
            }

            if (mount.HostPath is null || !Path.IsPathFullyQualified(mount.HostPath))
            {
                problems.Add(new($"{key}.host", $"host path '{mount.HostPath}' must be absolute", source));
            }
            else if (mount.Kind == MountKind.CopiedFile ? !File.Exists(mount.HostPath) : !Path.Exists(mount.HostPath))
            {
                string what = mount.Kind == MountKind.CopiedFile ? "a regular file" : "a file or directory";
                problems.Add(new($"{key}.host", $"host path '{mount.HostPath}' does not exist or is not {what}; create it or fix the path", source));
            }
        }

        if (_workDirectoryHostPath is { } work && (!Path.IsPathFullyQualified(work) || !Directory.Exists(work)))
        {
            problems.Add(new("workdir", $"work directory '{work}' must be an existing absolute host directory"));
        }
    }

    /// <summary>True for "/a/b" style paths with no empty, "." or ".." segment.</summary>
    internal static bool IsCleanAbsolute(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\0')) return false;
        if (path == "/") return true;
        if (path.EndsWith('/')) return false;
        foreach (string segment in path[1..].Split('/'))
        {
            if (segment is "" or "." or "..") return false;
        }

        return true;
    }
}
