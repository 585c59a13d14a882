using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// The little of DNS (RFC 1035) the stub needs: read the first question of a standard query, and write the answer to it
/// (address records, or a bare response code). Anything else in the query (more questions, an EDNS record) is ignored.
/// </summary>
internal static class DnsMessage
{
    internal const ushort TypeA = 1;
    internal const ushort TypeAaaa = 28;
    internal const ushort ClassInternet = 1;

    internal const int NoError = 0;
    internal const int FormatError = 1;
    internal const int NameError = 3; // NXDOMAIN
    internal const int NotImplemented = 4;
    internal const int Refused = 5;

    private const int HeaderLength = 12;

    /// <summary>One question of a query.</summary>
    /// <param name="Id">The query's id, echoed in the answer.</param>
    /// <param name="Flags">The query's flags (its RD bit is echoed).</param>
    /// <param name="Name">The name asked for, lower case, without the trailing dot.</param>
    /// <param name="Type">QTYPE.</param>
    /// <param name="Class">QCLASS.</param>
    /// <param name="QuestionEnd">Where the question section (of the first question) ends in the query.</param>
    internal readonly record struct Question(ushort Id, ushort Flags, string Name, ushort Type, ushort Class, int QuestionEnd);

    /// <summary>Reads the first question of <paramref name="query"/>; null when it is not a standard query with one readable question.</summary>
    internal static Question? ReadQuestion(ReadOnlySpan<byte> query)
    {
        if (query.Length < HeaderLength) return null;
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(query[2..]);
        ushort questions = BinaryPrimitives.ReadUInt16BigEndian(query[4..]);
        bool isResponse = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xF;
        if (isResponse || opcode != 0 || questions == 0) return new Question(id, flags, "", 0, 0, -1);

        var name = new StringBuilder();
        int at = HeaderLength;
        while (true)
        {
            if (at >= query.Length) return null;
            int length = query[at++];
            if (length == 0) break;
            // Compression pointers never appear in a question a resolver writes; refuse rather than follow them.
            if (length > 63 || at + length > query.Length) return null;
            if (name.Length > 0) name.Append('.');
            foreach (byte b in query.Slice(at, length))
            {
                // Only what can be in a host name; anything else (a dot inside a label, a control byte) makes the name unanswerable.
                if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')) return new Question(id, flags, "", 0, 0, -1);
                name.Append(char.ToLowerInvariant((char)b));
            }

            at += length;
            if (name.Length > 253) return null;
        }

        if (at + 4 > query.Length) return null;
        return new Question(id, flags, name.ToString(), BinaryPrimitives.ReadUInt16BigEndian(query[at..]), BinaryPrimitives.ReadUInt16BigEndian(query[(at + 2)..]), at + 4);
    }

    /// <summary>The answer to <paramref name="question"/> of <paramref name="query"/>: <paramref name="addresses"/> of its type with <paramref name="ttlSeconds"/>, under <paramref name="responseCode"/>.</summary>
    internal static byte[] Answer(ReadOnlySpan<byte> query, Question question, int responseCode, IReadOnlyList<IPAddress> addresses, uint ttlSeconds)
    {
        bool hasQuestion = question.QuestionEnd > 0;
        ReadOnlySpan<byte> questionBytes = hasQuestion ? query[HeaderLength..question.QuestionEnd] : [];
        List<IPAddress> records = responseCode == NoError && hasQuestion
            ? [.. addresses.Where(a => question.Type == (a.AddressFamily == AddressFamily.InterNetworkV6 ? TypeAaaa : TypeA))]
            : [];
        var answer = new List<byte>(HeaderLength + questionBytes.Length + records.Count * 28);
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, question.Id);
        // QR, the query's RD, RA (the stub recurses through the host's resolver), the response code.
        ushort flags = (ushort)(0x8000 | (question.Flags & 0x0100) | 0x0080 | (responseCode & 0xF));
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)(hasQuestion ? 1 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)records.Count);
        answer.AddRange(header.ToArray());
        answer.AddRange(questionBytes.ToArray());
        Span<byte> fixedPart = stackalloc byte[12];
        foreach (IPAddress address in records)
        {
            byte[] data = address.GetAddressBytes();
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart, 0xC000 | HeaderLength); // the name: a pointer to the question's
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[2..], data.Length == 16 ? TypeAaaa : TypeA);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[4..], ClassInternet);
            BinaryPrimitives.WriteUInt32BigEndian(fixedPart[6..], ttlSeconds);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[10..], (ushort)data.Length);
            answer.AddRange(fixedPart.ToArray());
            answer.AddRange(data);
        }

        return [.. answer];
    }

    /// <summary>A query for <paramref name="name"/> of <paramref name="type"/> (tests and the benchmark ask the stub with it).</summary>
    internal static byte[] Query(ushort id, string name, ushort type)
    {
        var query = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (string label in name.Split('.'))
        {
            query.Add((byte)label.Length);
            query.AddRange(Encoding.ASCII.GetBytes(label));
        }

        query.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. query];
    }
}
