namespace Cordon.Images;

/// <summary>What unpacking neutralised, per image: each count is something a layer asked for and did not get.</summary>
public sealed record UnpackReport
{
    /// <summary>Device nodes, FIFOs and sockets not created (a guest gets Cordon's own /dev).</summary>
    public int SpecialFilesSkipped { get; init; }

    /// <summary>Files and directories whose setuid or setgid bit was removed.</summary>
    public int SetIdBitsStripped { get; init; }

    /// <summary>Whiteouts (<c>.wh.NAME</c>) applied.</summary>
    public int Whiteouts { get; init; }

    /// <summary>Opaque directories (<c>.wh..wh..opq</c>) applied.</summary>
    public int OpaqueDirectories { get; init; }

    /// <summary>Hard links made (each inside its own layer).</summary>
    public int HardLinks { get; init; }

    /// <summary>Entries read.</summary>
    public int Entries { get; init; }

    /// <summary>Uncompressed bytes read.</summary>
    public long Bytes { get; init; }

    /// <summary>The sum of two reports.</summary>
    public static UnpackReport operator +(UnpackReport a, UnpackReport b) => new()
    {
        SpecialFilesSkipped = a.SpecialFilesSkipped + b.SpecialFilesSkipped,
        SetIdBitsStripped = a.SetIdBitsStripped + b.SetIdBitsStripped,
        Whiteouts = a.Whiteouts + b.Whiteouts,
        OpaqueDirectories = a.OpaqueDirectories + b.OpaqueDirectories,
        HardLinks = a.HardLinks + b.HardLinks,
        Entries = a.Entries + b.Entries,
        Bytes = a.Bytes + b.Bytes,
    };
}
