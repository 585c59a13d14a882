using System.Security.Cryptography;
using System.Text;
using Cordon.Images.Files;

namespace Cordon.Images.Cache;

/// <summary>
/// One sha256 over a whole tree: every path in order with its kind, permission bits, size and content digest (files)
/// or target (links). Recorded when a cache entry is made; recomputing it shows whether anything in the entry changed.
/// </summary>
internal static class TreeDigest
{
    public static string Compute(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Walk(root, "", hash);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Walk(string directory, string relative, IncrementalHash hash)
    {
        List<string> names;
        try
        {
            names = [.. Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];
        }
        catch (UnauthorizedAccessException)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"unreadable {relative}\n"));
            return;
        }

        foreach (string name in names)
        {
            string full = Path.Combine(directory, name), path = relative.Length == 0 ? name : relative + "/" + name;
            NodeStatus status = NodeStatus.Of(full);
            string line = status.Kind switch
            {
                NodeKind.RegularFile => $"f {Convert.ToString(status.Mode, 8)} {status.Size} {FileDigest(full)} {path}\n",
                NodeKind.Symlink => $"l {new FileInfo(full).LinkTarget} {path}\n",
                NodeKind.Directory => $"d {Convert.ToString(status.Mode, 8)} {path}\n",
                _ => $"? {path}\n",
            };
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            if (status.Kind == NodeKind.Directory) Walk(full, path, hash);
        }
    }

    private static string FileDigest(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(SHA256.HashData(file));
        }
        catch (UnauthorizedAccessException)
        {
            return "unreadable"; // a mode-0000 file: its mode and size still count
        }
    }
}
