using System.Globalization;

namespace Cordon.Selftest.Canaries;

/// <summary>What the host's stat(2) says about one path (not followed if it is a symlink): enough to tell read, written, renamed, linked or re-permissioned.</summary>
internal sealed record FileState(ulong Inode, uint LinkCount, ushort Mode, long Size, long AccessNanoseconds, long ModifyNanoseconds, long ChangeNanoseconds)
{
    /// <summary>Set-user-ID and set-group-ID bits.</summary>
    public const ushort SetIdBits = 0x0C00; // 06000

    public static FileState? Of(string path)
    {
        if (Interop.Libc.Statx(Interop.Libc.AtFdCwd, path, Interop.Libc.AtSymlinkNoFollow, Interop.Libc.StatxBasicStats, out var s) != 0) return null;
        return new FileState(s.Inode, s.LinkCount, s.Mode, (long)s.Size, Nanoseconds(s.AccessTime), Nanoseconds(s.ModifyTime), Nanoseconds(s.ChangeTime));
    }

    public bool IsRegular => (Mode & 0xF000) == 0x8000;

    public bool IsDevice => (Mode & 0xF000) is 0x2000 or 0x6000;

    /// <summary>Human description of what changed between <paramref name="before"/> and this state, or null.</summary>
    public string? DifferenceFrom(FileState before)
    {
        List<string> changes = [];
        if (Inode != before.Inode) changes.Add("replaced");
        if (Size != before.Size || ModifyNanoseconds != before.ModifyNanoseconds) changes.Add("written");
        if (LinkCount != before.LinkCount) changes.Add($"link count {before.LinkCount}→{LinkCount}");
        if (Mode != before.Mode) changes.Add($"mode {Octal(before.Mode)}→{Octal(Mode)}");
        if (AccessNanoseconds != before.AccessNanoseconds) changes.Add("read");
        if (changes.Count == 0 && ChangeNanoseconds != before.ChangeNanoseconds) changes.Add("metadata changed");
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }

    private static string Octal(ushort mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');

    private static long Nanoseconds(Interop.Libc.StatxTimestamp t) => (t.Seconds * 1_000_000_000) + t.Nanoseconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ino {Inode} mode {Octal(Mode)} size {Size}");
}
