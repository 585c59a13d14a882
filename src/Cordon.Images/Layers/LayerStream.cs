using System.IO.Compression;
using System.Security.Cryptography;
using Cordon.Images.Layout;

namespace Cordon.Images.Layers;

/// <summary>
/// One layer's tar, decompressed as it is read, with both of its digests checked: the blob's (compressed, from the
/// manifest, before anything is decompressed and again as it is read) and the diff_id (uncompressed, from the config). Every uncompressed byte counts against the image's
/// budget, so a decompression bomb stops at the limit. The layer counts as verified only after <see cref="Finish"/>.
/// </summary>
internal sealed class LayerStream : Stream
{
    private readonly VerifyingStream _blob;
    private readonly Stream _decompressed;
    private readonly IncrementalHash _diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Digest _diffId;
    private readonly UnpackBudget _budget;
    private readonly string _where;

    public LayerStream(LayoutSource source, Descriptor layer, Digest diffId, UnpackBudget budget, string where)
    {
        // A whole pass over the compressed blob first (cheap next to unpacking); the second pass still checks it, since
        // the file may change in between.
        source.Verify(layer, "layer", where);
        _blob = source.OpenVerified(layer, "layer", where);
        _diffId = diffId;
        _budget = budget;
        _where = where;
        _decompressed = MediaTypes.Compression(layer.MediaType) switch
        {
            LayerCompression.Gzip => new GZipStream(_blob, CompressionMode.Decompress, leaveOpen: true),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(_blob, leaveOpen: true),
            _ => _blob,
        };
    }

    /// <summary>Uncompressed bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _decompressed.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw new ImageException(ImageErrorKind.Corrupt, $"{_where} does not decompress: {e.Message}", "the layer is damaged or its media type lies about its compression; rebuild the image", e);
        }

        BytesRead += n;
        _budget.AddBytes(n, _where);
        _diffHash.AppendData(buffer[..n]);
        return n;
    }

    /// <summary>Reads the rest of the tar (trailing blocks count too), then checks the diff_id and the blob's size and digest.</summary>
    public void Finish()
    {
        byte[] rest = new byte[64 * 1024];
        while (Read(rest) > 0)
        {
        }

        Digest actual = Digest.FromHash(_diffHash.GetHashAndReset());
        _blob.Finish();
        if (actual != _diffId)
            throw new ImageException(ImageErrorKind.Corrupt, $"{_where} unpacks to content with digest {actual}, not the diff_id {_diffId} its config names",
                "the image has been damaged or tampered with; fetch or export it again and do not use this copy");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!ReferenceEquals(_decompressed, _blob)) _decompressed.Dispose();
            _blob.Dispose();
            _diffHash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
