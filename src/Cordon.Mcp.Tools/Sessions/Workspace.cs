using System.Collections.Immutable;

namespace Cordon.Mcp.Sessions;

/// <summary>
/// One private host directory mounted as the guest's <c>/work</c>. The guest can plant symbolic links in it, so every
/// path the server itself opens is checked component by component and refused if any part is a link: reading
/// <c>link → /etc/shadow</c> through <c>read_file</c> must not reach the host. No guest process outlives its run and
/// file calls on a session wait for its run, so nothing changes a path between that check and its use.
/// </summary>
internal sealed class Workspace(string directory)
{
    public const int MaxPathChars = 1024;
    public const int MaxListed = 1000;

    public string Directory { get; } = directory;

    /// <summary>A new, empty workspace of its own under <paramref name="root"/> (a random name: concurrent calls never share one).</summary>
    public static Workspace Create(string root, string prefix)
    {
        string path = Path.Combine(root, prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Workspace(path);
    }

    /// <summary>The host path of <paramref name="relative"/>, or the reason it is refused.</summary>
    public bool TryResolve(string relative, bool forWriting, out string hostPath, out string problem)
    {
        hostPath = "";
        string path = relative.StartsWith("/work/", StringComparison.Ordinal) ? relative[6..] : relative;
        if (path.Length == 0 || path.Length > MaxPathChars || path.Contains('\0', StringComparison.Ordinal))
            return Fail($"must be a path of 1 to {MaxPathChars} characters inside the workspace, e.g. \"main.py\" or \"data/input.csv\"", out problem);
        if (path.StartsWith('/')) return Fail("must be relative to the workspace (or start with /work/), e.g. \"main.py\"", out problem);
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or "..")) return Fail("may not contain . or .. components", out problem);

        string current = Directory;
        for (int i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null) return Fail($"'{string.Join('/', parts[..(i + 1)])}' is a symbolic link; the server does not follow links the guest made", out problem);
            bool last = i == parts.Length - 1;
            if (!last && File.Exists(current)) return Fail($"'{string.Join('/', parts[..(i + 1)])}' is a file, not a directory", out problem);
            if (last && System.IO.Directory.Exists(current)) return Fail("is a directory, not a file", out problem);
            if (!last && !System.IO.Directory.Exists(current))
            {
                if (!forWriting) return Fail("does not exist in the workspace (list_files shows what does)", out problem);
                System.IO.Directory.CreateDirectory(current);
            }
        }

        if (!forWriting && !File.Exists(current)) return Fail("does not exist in the workspace (list_files shows what does)", out problem);
        hostPath = current;
        problem = "";
        return true;
    }

    /// <summary>Every file and directory, links shown as links and never followed, at most <see cref="MaxListed"/>.</summary>
    public (ImmutableArray<FileEntry> Entries, bool Truncated) List()
    {
        var entries = ImmutableArray.CreateBuilder<FileEntry>();
        bool truncated = false;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(Directory));
        while (pending.Count > 0)
        {
            foreach (FileSystemInfo entry in pending.Pop().EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entries.Count >= MaxListed)
                {
                    truncated = true;
                    break;
                }

                string relative = Path.GetRelativePath(Directory, entry.FullName);
                if (entry.LinkTarget is not null) entries.Add(new FileEntry(relative, "link", 0));
                else if (entry is DirectoryInfo d)
                {
                    entries.Add(new FileEntry(relative, "directory", 0));
                    pending.Push(d);
                }
                else if (entry is FileInfo f) entries.Add(new FileEntry(relative, "file", f.Length));
            }
        }

        return (entries.ToImmutable(), truncated);
    }

    /// <summary>The bytes the workspace holds (files only, links not followed).</summary>
    public long Size()
    {
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (FileInfo f in new DirectoryInfo(Directory).EnumerateFiles("*", options)) total += f.Length;
        return total;
    }

    /// <summary>
    /// Writes a new file at <paramref name="hostPath"/> (resolved by <see cref="TryResolve"/>): whatever the guest left
    /// there (a FIFO, a link) is unlinked first, never opened, so the write cannot block or land elsewhere.
    /// </summary>
    public static async Task WriteAsync(string hostPath, byte[] bytes, CancellationToken cancellationToken)
    {
        File.Delete(hostPath);
        await using var stream = new FileStream(hostPath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }
}
