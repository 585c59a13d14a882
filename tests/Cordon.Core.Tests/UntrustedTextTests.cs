using System.Globalization;
using System.Text;
using Cordon.Output;

namespace Cordon.Core.Tests;

/// <summary>Guest text that tries to drive the caller's terminal, reorder what it shows, or pass for Cordon's own lines.</summary>
public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H")]                                   // clear the screen, home the cursor
    [InlineData("\u001b]52;c;aGk=\u0007", "\\x1b]52;c;aGk=\\x07")]                          // OSC 52: write the clipboard
    [InlineData("\u001b]8;;https://evil\u001b\\link", "\\x1b]8;;https://evil\\x1b\\link")]   // OSC 8 hyperlink
    [InlineData("\u001bP+q\u001b\\", "\\x1bP+q\\x1b\\")]                                     // DCS query
    [InlineData("\u009b31m", "\\u009b31m")]                                                  // 8-bit CSI, as UTF-8
    [InlineData("ok\bX", "ok\\x08X")]                                                       // backspace overwrite
    [InlineData("nul\0", "nul\\x00")]
    [InlineData("invoice\u202efdp.exe", "invoice\\u202efdp.exe")]                            // right-to-left override
    [InlineData("\u2067hidden\u2069", "\\u2067hidden\\u2069")]                               // isolates
    [InlineData("tag\U000E0041", "tag\\u{e0041}")]                                          // tag characters
    [InlineData("pua\ue000\U000F0000", "pua\\ue000\\u{f0000}")]                             // private use
    [InlineData("unassigned\u0378", "unassigned\\u0378")]
    [InlineData("bom\ufeff", "bom\\ufeff")]
    public void Hostile_text_is_shown_escaped(string input, string expected)
        => Assert.Equal(expected, UntrustedText.ForTerminal(input));

    [Fact]
    public void Bytes_that_are_not_utf8_are_shown_as_bytes()
    {
        // A raw 8-bit CSI, an overlong '/', a UTF-16 surrogate encoded as UTF-8, a truncated sequence.
        byte[] hostile = [0x9b, (byte)'2', (byte)'J', 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x9c];
        Assert.Equal("\\x9b2J\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x9c", UntrustedText.ForTerminal(hostile));
    }

    [Fact]
    public void A_single_line_cannot_start_a_line_of_its_own()
    {
        string shown = UntrustedText.ForSingleLine("name\ncordon: exited 0 · ok\r\u2028");
        Assert.Equal("name\\ncordon: exited 0 · ok\\r\\u2028", shown);
        Assert.DoesNotContain('\n', shown);
    }

    [Fact]
    public void Quoted_fragments_are_single_line_and_capped()
    {
        string quoted = UntrustedText.Quote("a\u001b[31m" + new string('x', 1000));
        Assert.StartsWith("'a\\x1b[31m", quoted, StringComparison.Ordinal);
        Assert.EndsWith("…'", quoted, StringComparison.Ordinal);
        Assert.Equal(UntrustedText.MaxFragmentLength + 3, quoted.Length);
        Assert.Equal("", UntrustedText.Fragment(null));
    }

    [Fact]
    public void No_input_yields_a_control_or_invisible_character()
    {
        var random = new Random(14);
        var neutraliser = new TerminalNeutraliser();
        var streamed = new StringBuilder();
        for (int round = 0; round < 2000; round++)
        {
            byte[] bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            if (round % 2 == 0)
            {
                // Also valid UTF-8 from anywhere in Unicode, where the format and private-use characters live.
                bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 8).Select(_ => RandomScalar(random))));
            }

            AssertVisible(UntrustedText.ForTerminal(bytes), allowLayout: true);
            AssertVisible(UntrustedText.ForSingleLine(bytes), allowLayout: false);
            streamed.Append(Encoding.UTF8.GetString(neutraliser.Neutralise(bytes)));
        }

        streamed.Append(Encoding.UTF8.GetString(neutraliser.Flush()));
        AssertVisible(streamed.ToString(), allowLayout: true);
    }

    private static string RandomScalar(Random random)
    {
        while (true)
        {
            int value = random.Next(0, 0x110000);
            if (Rune.IsValid(value)) return new Rune(value).ToString();
        }
    }

    private static void AssertVisible(string shown, bool allowLayout)
    {
        foreach (Rune rune in shown.EnumerateRunes())
        {
            if (allowLayout && rune.Value is '\n' or '\t' or '\r') continue;
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            Assert.False(category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.Surrogate || rune == Rune.ReplacementChar,
                $"U+{rune.Value:X4} ({category}) reached the output");
        }
    }
}
