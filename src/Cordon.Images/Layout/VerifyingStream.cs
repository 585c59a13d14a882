using System.Security.Cryptography;

namespace Cordon.Images.Layout;

/// <summary>
/// Reads one blob while hashing it: more bytes than the descriptor's size fail at once (a blob cannot grow into a tar
/// bomb unnoticed), and <see cref="Finish"/> reads the rest and checks the exact size and the sha256 digest. Nothing
/// read through it counts as verified until <see cref="Finish"/> returns.
/// </summary>
internal sealed class VerifyingStream(Stream inner, Descriptor descriptor, string what) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => descriptor.Size;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte past the declared size at most, so an overlong blob is seen without reading all of it.
        long allowed = descriptor.Size + 1 - _read;
        if (allowed <= 0) throw Mismatch($"is larger than its descriptor's {descriptor.Size} bytes");
        if (buffer.Length > allowed) buffer = buffer[..(int)allowed];
        int n = inner.Read(buffer);
        _read += n;
        if (_read > descriptor.Size) throw Mismatch($"is larger than its descriptor's {descriptor.Size} bytes");
        _hash.AppendData(buffer[..n]);
        return n;
    }

    /// <summary>Reads what is left (without decompressing it) and checks size and digest.</summary>
    public void Finish()
    {
        byte[] rest = new byte[64 * 1024];
        while (Read(rest) > 0)
        {
        }

        if (_read != descriptor.Size) throw Mismatch($"is {_read} bytes, not the {descriptor.Size} its descriptor says");
        Digest actual = Digest.FromHash(_hash.GetHashAndReset());
        if (actual != descriptor.Digest) throw Mismatch($"has digest {actual}: the content does not match its name");
    }

    private ImageException Mismatch(string problem)
        => new(ImageErrorKind.Corrupt, $"{what} {problem}", "the image has been damaged or tampered with; fetch or export it again and do not use this copy");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
