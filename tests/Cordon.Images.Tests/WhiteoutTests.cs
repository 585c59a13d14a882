using Cordon.Images.Tests.Support;

namespace Cordon.Images.Tests;

/// <summary>Whiteouts and opaque directories delete from the layers below only, by hand-written layers and by umoci's own.</summary>
public sealed class WhiteoutTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private PreparedImage Prepare(params byte[][] layers)
        => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(TestLayout.Write(_scratch["img"], "t", layers) + ":t"));

    [Fact]
    public void A_whiteout_deletes_a_lower_file_and_a_lower_directory_tree()
    {
        byte[] lower = new TestTar().Directory("etc").File("etc/secret", "s").Directory("var").Directory("var/cache").File("var/cache/big", "b").File("keep", "k").ToArray();
        byte[] upper = new TestTar().Directory("etc").File("etc/.wh.secret").File(".wh.var").ToArray();

        PreparedImage image = Prepare(lower, upper);

        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "etc", "secret")));
        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "var")));
        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "etc", ".wh.secret")));
        Assert.True(File.Exists(Path.Combine(image.RootfsPath, "keep")));
        Assert.Equal(2, image.Report.Whiteouts);
    }

    [Fact]
    public void A_whiteout_does_not_delete_what_its_own_layer_adds()
    {
        byte[] lower = new TestTar().File("file", "lower").ToArray();
        byte[] upper = new TestTar().File(".wh.file").File("file", "upper").ToArray();

        PreparedImage image = Prepare(lower, upper);

        Assert.Equal("upper", File.ReadAllText(Path.Combine(image.RootfsPath, "file")));
    }

    [Fact]
    public void An_opaque_directory_hides_the_lower_contents_and_keeps_its_own()
    {
        byte[] lower = new TestTar().Directory("opt").File("opt/old-a", "a").File("opt/old-b", "b").ToArray();
        byte[] upper = new TestTar().Directory("opt").File("opt/.wh..wh..opq").File("opt/new", "n").ToArray();

        PreparedImage image = Prepare(lower, upper);

        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Combine(image.RootfsPath, "opt")).Select(Path.GetFileName));
        Assert.Equal(1, image.Report.OpaqueDirectories);
    }

    [Fact]
    public void A_whiteout_of_dotdot_is_refused()
    {
        var e = Assert.Throws<ImageException>(() => Prepare(new TestTar().Directory("etc").File("etc/.wh..").ToArray()));

        Assert.Equal(ImageErrorKind.Refused, e.Kind);
    }

    [Fact]
    public void Umoci_deletions_in_a_later_layer_become_whiteouts_that_apply()
    {
        string layout = _scratch["img"];
        Umoci.BusyboxImage(layout, "v1", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "opt", "tool"));
            File.WriteAllText(Path.Combine(rootfs, "opt", "tool", "data"), "d");
            File.WriteAllText(Path.Combine(rootfs, "etc", "motd"), "hello");
        });
        Umoci.Change(layout, "v1", rootfs =>
        {
            File.Delete(Path.Combine(rootfs, "etc", "motd"));
            Directory.Delete(Path.Combine(rootfs, "opt", "tool"), recursive: true);
        });

        PreparedImage image = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":v1"));

        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "etc", "motd")));
        Assert.False(Path.Exists(Path.Combine(image.RootfsPath, "opt", "tool")));
        Assert.True(File.Exists(Path.Combine(image.RootfsPath, "etc", "os-release")));
        Assert.True(image.Report.Whiteouts >= 2);
    }
}
