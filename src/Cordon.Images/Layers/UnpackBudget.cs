namespace Cordon.Images.Layers;

/// <summary>What is left of <see cref="UnpackLimits"/> while one image unpacks: shared by its layers, so the limits bound the image, not each layer.</summary>
internal sealed class UnpackBudget(UnpackLimits limits)
{
    public UnpackLimits Limits { get; } = limits;

    public long Bytes { get; private set; }

    public int Entries { get; private set; }

    public void AddBytes(long n, string where)
    {
        Bytes += n;
        if (Bytes > Limits.MaxTotalBytes)
            throw new ImageException(ImageErrorKind.LimitExceeded, $"{where}: the image unpacks to more than {Limits.MaxTotalBytes} bytes (the limit on total unpacked bytes)",
                "a layer inflates beyond the limit (a tar bomb, or a very large image); raise UnpackLimits.MaxTotalBytes only for an image you trust");
    }

    public void AddEntry(string where)
    {
        if (++Entries > Limits.MaxEntries)
            throw new ImageException(ImageErrorKind.LimitExceeded, $"{where}: the image has more than {Limits.MaxEntries} entries (the limit on entries)",
                "a layer holds more files than the limit (a tar bomb, or a very large image); raise UnpackLimits.MaxEntries only for an image you trust");
    }
}
