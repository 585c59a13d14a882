namespace Cordon.Images.Files;

/// <summary>What is at a path, read with statx(2) and, unless asked, without following a symlink there.</summary>
internal enum NodeKind
{
    Missing,
    Directory,
    RegularFile,
    Symlink,
    Other,
}

/// <summary>A path's kind and permission bits.</summary>
internal readonly record struct NodeStatus(NodeKind Kind, int Mode, long Size)
{
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtFdCwd = -100;
    private const int SIfLnk = 0xA000;

    public static NodeStatus Of(string path, bool followLinks = false)
    {
        if (Interop.Libc.Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, Interop.Libc.StatxType | Interop.Libc.StatxMode | 0x200, out Interop.Libc.StatxBuffer buffer) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) return new NodeStatus(NodeKind.Missing, 0, 0); // ENOENT, ENOTDIR
            throw new IOException($"statx {path}: errno {errno}");
        }

        int type = buffer.Mode & Interop.Libc.SIfMt;
        NodeKind kind = type switch
        {
            Interop.Libc.SIfDir => NodeKind.Directory,
            Interop.Libc.SIfReg => NodeKind.RegularFile,
            SIfLnk => NodeKind.Symlink,
            _ => NodeKind.Other,
        };
        return new NodeStatus(kind, buffer.Mode & 0xFFF, (long)buffer.Size);
    }
}
