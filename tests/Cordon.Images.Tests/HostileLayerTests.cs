using Cordon.Images.Tests.Support;

namespace Cordon.Images.Tests;

/// <summary>Each hostile layer, written by hand: refused with a precise error, or neutralised and counted; never written outside the cache.</summary>
public sealed class HostileLayerTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private PreparedImage Prepare(UnpackLimits? limits = null, params byte[][] layers)
        => new ImageStore(_scratch.Cache, limits).Prepare(ImageReference.Parse(TestLayout.Write(_scratch["img"], "t", layers) + ":t"));

    private ImageException Refused(TestTar layer, UnpackLimits? limits = null)
    {
        var e = Assert.Throws<ImageException>(() => Prepare(limits, layer.ToArray()));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "tmp"))); // no half-built entry left
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "roots")));
        return e;
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("etc/../../escaped")]
    [InlineData("/tmp/escaped-absolute")]
    public void A_name_out_of_the_root_is_refused(string name)
    {
        ImageException e = Refused(new TestTar().File(name, "x"));

        Assert.Equal(ImageErrorKind.Refused, e.Kind);
        Assert.Contains("path traversal", e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "escaped")));
        Assert.False(File.Exists("/tmp/escaped-absolute"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/./")]
    [InlineData("./")]
    public void The_layer_root_entry_however_named_is_the_root_itself_and_names_nothing_outside(string name)
    {
        // umoci insert writes the root directory as "/"; it is the layer's root, not an absolute path to unpack.
        PreparedImage image = Prepare(null, new TestTar().Directory(name).Directory("bin").File("bin/tool", "x").ToArray());

        Assert.Equal("x", File.ReadAllText(Path.Combine(image.RootfsPath, "bin", "tool")));
    }

    [Theory]
    [InlineData("/tmp")]
    [InlineData("../../..")]
    public void An_entry_beneath_a_symlink_of_the_same_layer_is_refused_and_nothing_is_written_through_it(string target)
    {
        string outside = _scratch["outside"];
        Directory.CreateDirectory(outside);
        ImageException e = Refused(new TestTar().Symlink("link", target == "/tmp" ? outside : target).File("link/planted", "x"));

        Assert.Contains("symlink", e.Message, StringComparison.Ordinal);
        Assert.Contains("link traversal", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void Absolute_and_dotdot_symlinks_are_kept_as_links_for_the_guest_to_resolve_in_its_own_root()
    {
        PreparedImage image = Prepare(null, new TestTar().Directory("etc").Symlink("etc/abs", "/etc/shadow").Symlink("etc/up", "../../../../etc/passwd").ToArray());

        Assert.Equal("/etc/shadow", new FileInfo(Path.Combine(image.RootfsPath, "etc", "abs")).LinkTarget);
        Assert.Equal("../../../../etc/passwd", new FileInfo(Path.Combine(image.RootfsPath, "etc", "up")).LinkTarget);
    }

    [Fact]
    public void A_later_layer_cannot_write_through_a_symlink_an_earlier_layer_planted()
    {
        string outside = _scratch["outside"];
        Directory.CreateDirectory(outside);
        byte[] first = new TestTar().Symlink("lib", outside).ToArray();
        byte[] second = new TestTar().Directory("lib").File("lib/planted", "x").ToArray();

        PreparedImage image = Prepare(null, first, second);

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal("x", File.ReadAllText(Path.Combine(image.RootfsPath, "lib", "planted"))); // the directory replaced the link
        Assert.Null(new DirectoryInfo(Path.Combine(image.RootfsPath, "lib")).LinkTarget);
    }

    [Theory]
    [InlineData("/etc/passwd", "outside the layer")]
    [InlineData("../../etc/passwd", "outside the layer")]
    [InlineData("not-written-yet", "which no earlier regular-file entry")]
    public void A_hard_link_out_of_the_layer_or_to_a_missing_target_is_refused(string target, string problem)
    {
        ImageException e = Refused(new TestTar().HardLink("stolen", target));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hard_link_inside_the_layer_shares_its_target()
    {
        PreparedImage image = Prepare(null, new TestTar().File("a", "same").HardLink("b", "a").ToArray());

        Assert.Equal("same", File.ReadAllText(Path.Combine(image.RootfsPath, "b")));
        Assert.Equal(1, image.Report.HardLinks);
    }

    [Fact]
    public void Device_nodes_and_fifos_are_skipped_and_counted()
    {
        PreparedImage image = Prepare(null, new TestTar().Directory("dev").CharacterDevice("dev/mem").Fifo("dev/pipe").File("ok", "x").ToArray());

        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "dev", "mem")));
        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "dev", "pipe")));
        Assert.Equal(2, image.Report.SpecialFilesSkipped);
    }

    [Fact]
    public void Setuid_and_setgid_bits_are_removed_and_counted()
    {
        PreparedImage image = Prepare(null, new TestTar().File("su", "x", 0b100_111_101_101).File("sg", "x", 0b010_111_101_101).ToArray());

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(image.RootfsPath, "su")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(image.RootfsPath, "sg")));
        Assert.Equal(2, image.Report.SetIdBitsStripped);
    }

    [Fact]
    public void A_duplicate_entry_is_refused()
    {
        ImageException e = Refused(new TestTar().File("etc-passwd", "first").File("etc-passwd", "second"));

        Assert.Contains("duplicate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gnu_sparse_file_is_refused()
    {
        ImageException e = Refused(new TestTar().Entry('S', "holes", 0b110_100_100, new byte[512]));

        Assert.Contains("sparse file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pax_sparse_file_is_refused()
    {
        ImageException e = Refused(new TestTar().Pax(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.realsize", "1099511627776")).File("holes", "x"));

        Assert.Contains("sparse file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_that_inflates_past_the_byte_limit_stops_with_the_limit_named()
    {
        // 64 MiB of zeros: a few tens of KiB gzip-compressed, a classic decompression bomb shape.
        ImageException e = Refused(new TestTar().File("bomb", new byte[64 << 20]), new UnpackLimits { MaxTotalBytes = 8 << 20 });

        Assert.Equal(ImageErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("the limit on total unpacked bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains(8388608.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_with_too_many_entries_stops_with_the_limit_named()
    {
        var tar = new TestTar();
        for (int i = 0; i < 200; i++) tar.File($"f{i}");

        ImageException e = Refused(tar, new UnpackLimits { MaxEntries = 100 });

        Assert.Equal(ImageErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("the limit on entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_claiming_more_data_than_the_layer_holds_is_a_corrupt_layer()
    {
        byte[] tar = new TestTar().File("short", new byte[2048]).ToArray();
        byte[] truncated = tar[..1024]; // the header says 2048 bytes; half the data and no end blocks follow

        var e = Assert.Throws<ImageException>(() => Prepare(null, truncated));

        Assert.Equal(ImageErrorKind.Corrupt, e.Kind);
    }
}
