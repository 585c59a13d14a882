using System.Formats.Tar;
using Cordon.Images.Tests.Support;

namespace Cordon.Images.Tests;

/// <summary>Reading real images (built with umoci): the tag, the config, the merged root; a layout directory and an oci-archive alike.</summary>
public sealed class ImageLayoutTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_umoci_image_unpacks_to_its_own_root_with_its_config()
    {
        string layout = _scratch["img"];
        Umoci.BusyboxImage(layout, "v1", null, "--config.entrypoint", "/bin/sh", "--config.cmd", "-c", "--config.cmd", "echo hi", "--config.env", "GREETING=hello", "--config.workingdir", "/etc", "--config.user", "1000");

        PreparedImage image = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":v1"));

        Assert.Equal(Umoci.OsRelease, File.ReadAllText(Path.Combine(image.RootfsPath, "etc", "os-release")));
        Assert.Equal("busybox", new FileInfo(Path.Combine(image.RootfsPath, "bin", "sh")).LinkTarget);
        Assert.Equal(["/bin/sh", "-c", "echo hi"], image.Config.DefaultCommand.ToArray());
        Assert.Contains("GREETING=hello", image.Config.Env);
        Assert.Equal("/etc", image.Config.WorkingDir);
        Assert.Equal("1000", image.Config.User);
        Assert.False(image.FromCache);
        Assert.StartsWith(_scratch.Cache, image.RootfsPath, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oci_archive_reads_like_its_layout_directory()
    {
        string layout = _scratch["img"];
        Umoci.BusyboxImage(layout, "latest");
        string archive = _scratch["img.tar"];
        TarFile.CreateFromDirectory(layout, archive, includeBaseDirectory: false);

        PreparedImage fromArchive = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(archive));
        PreparedImage fromDirectory = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":latest"));

        Assert.Equal(fromDirectory.ChainId, fromArchive.ChainId);
        Assert.True(fromDirectory.FromCache);
        Assert.Equal(Umoci.OsRelease, File.ReadAllText(Path.Combine(fromArchive.RootfsPath, "etc", "os-release")));
    }

    [Fact]
    public void A_missing_tag_is_one_error_that_lists_the_tags()
    {
        string layout = _scratch["img"];
        Umoci.BusyboxImage(layout, "v1");

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":v2")));

        Assert.Equal(ImageErrorKind.Missing, e.Kind);
        Assert.Contains("no image tagged 'v2'", e.Message, StringComparison.Ordinal);
        Assert.Contains("v1", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_and_a_directory_that_is_no_layout_are_told_apart()
    {
        var missing = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(_scratch["nothing"])));
        Directory.CreateDirectory(_scratch["empty"]);
        var notLayout = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(_scratch["empty"])));

        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no oci-layout file", notLayout.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestLayout.Compression.None)]
    [InlineData(TestLayout.Compression.Gzip)]
    [InlineData(TestLayout.Compression.Zstd)]
    public void Plain_gzip_and_zstd_layers_unpack_alike(TestLayout.Compression compression)
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [new TestTar().Directory("etc").File("etc/os-release", "ID=x\n").ToArray()], compression);

        PreparedImage image = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t"));

        Assert.Equal("ID=x\n", File.ReadAllText(Path.Combine(image.RootfsPath, "etc", "os-release")));
    }

    [Fact]
    public void Reference_parsing_takes_the_tag_after_the_last_colon_only_when_it_has_no_slash()
    {
        Assert.Equal(new ImageReference("/srv/img", "v1"), ImageReference.Parse("/srv/img:v1"));
        Assert.Equal(new ImageReference("/srv/img", null), ImageReference.Parse("/srv/img"));
        Assert.Equal(new ImageReference("/srv/a:b/img", null), ImageReference.Parse("/srv/a:b/img"));
    }
}
