using System.Globalization;
using System.Text;

namespace Cordon.Images.Tests.Support;

/// <summary>
/// Cordon's test tar writer: raw ustar headers, so a test can write exactly what a hostile layer holds (absolute and
/// '..' names, links out of the layer, devices, sparse markers, duplicates) without a library tidying it up.
/// </summary>
internal sealed class TestTar
{
    private readonly MemoryStream _out = new();

    public TestTar Directory(string name, int mode = 0b111_101_101) => Entry('5', name, mode, []);

    public TestTar File(string name, string content = "", int mode = 0b110_100_100) => Entry('0', name, mode, Encoding.UTF8.GetBytes(content));

    public TestTar File(string name, byte[] content, int mode = 0b110_100_100) => Entry('0', name, mode, content);

    public TestTar Symlink(string name, string target) => Entry('2', name, 0b111_111_111, [], target);

    public TestTar HardLink(string name, string target) => Entry('1', name, 0b110_100_100, [], target);

    public TestTar CharacterDevice(string name) => Entry('3', name, 0b110_110_110, [], devMajor: 1, devMinor: 3);

    public TestTar Fifo(string name) => Entry('6', name, 0b110_100_100, []);

    /// <summary>A PAX header (type 'x') applying to the next entry.</summary>
    public TestTar Pax(params (string Key, string Value)[] records)
    {
        var body = new StringBuilder();
        foreach (var (key, value) in records)
        {
            string line = $" {key}={value}\n";
            int length = line.Length + 1;
            while ((length.ToString(CultureInfo.InvariantCulture) + line).Length != length) length++;
            body.Append(length.ToString(CultureInfo.InvariantCulture)).Append(line);
        }

        return Entry('x', "PaxHeaders/x", 0b110_100_100, Encoding.UTF8.GetBytes(body.ToString()));
    }

    /// <summary>One entry; <paramref name="declaredSize"/> lets a header claim another size than its data.</summary>
    public TestTar Entry(char type, string name, int mode, byte[] data, string link = "", int devMajor = 0, int devMinor = 0)
    {
        byte[] header = new byte[512];
        Put(header, 0, 100, name.Length <= 100 ? name : name[^100..]);
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, data.Length);
        Octal(header, 136, 12, 1_700_000_000);
        header[156] = (byte)type;
        Put(header, 157, 100, link);
        Put(header, 257, 6, "ustar");
        Put(header, 263, 2, "00");
        Octal(header, 329, 8, devMajor);
        Octal(header, 337, 8, devMinor);
        if (name.Length > 100) Put(header, 345, 155, name[..^100].TrimEnd('/'));
        for (int i = 148; i < 156; i++) header[i] = (byte)' ';
        int sum = header.Sum(b => b);
        Octal(header, 148, 7, sum);
        _out.Write(header);
        _out.Write(data);
        int pad = (512 - data.Length % 512) % 512;
        _out.Write(new byte[pad]);
        return this;
    }

    public byte[] ToArray()
    {
        var copy = new MemoryStream();
        _out.WriteTo(copy);
        copy.Write(new byte[1024]);
        return copy.ToArray();
    }

    private static void Put(byte[] header, int offset, int length, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Array.Copy(bytes, 0, header, offset, Math.Min(bytes.Length, length));
    }

    private static void Octal(byte[] header, int offset, int length, long value)
        => Put(header, offset, length - 1, Convert.ToString(value, 8).PadLeft(length - 1, '0'));
}
