namespace Cordon.Images.Layout;

/// <summary>A read-only window onto one entry's data in an archive, read with positioned reads so several may be open at once.</summary>
internal sealed class ArchiveEntryStream(FileStream archive, long offset, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset1, int count) => Read(buffer.AsSpan(offset1, count));

    public override int Read(Span<byte> buffer)
    {
        long left = length - _position;
        if (left <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        int n = RandomAccess.Read(archive.SafeFileHandle, buffer, offset + _position);
        if (n == 0) throw new EndOfStreamException("the archive ends inside an entry");
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset1, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset1, int count) => throw new NotSupportedException();
}
