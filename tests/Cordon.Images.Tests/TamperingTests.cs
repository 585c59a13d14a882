using Cordon.Images.Tests.Support;

namespace Cordon.Images.Tests;

/// <summary>A changed blob or a changed cache entry is detected: nothing unverified is used.</summary>
public sealed class TamperingTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static byte[] Layer => new TestTar().Directory("etc").File("etc/os-release", "ID=original\n").ToArray();

    [Fact]
    public void A_layer_blob_with_one_byte_changed_is_refused_and_leaves_no_cache_entry()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer], TestLayout.Compression.None);
        string blob = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Single(f => File.ReadAllText(f).Contains("ID=original", StringComparison.Ordinal));
        byte[] bytes = File.ReadAllBytes(blob);
        int at = Array.IndexOf(bytes, (byte)'o', 600);
        bytes[at] = (byte)'O';
        File.WriteAllBytes(blob, bytes);

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t")));

        Assert.Equal(ImageErrorKind.Corrupt, e.Kind);
        Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "layers")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "roots")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "tmp")));
    }

    [Fact]
    public void A_layer_damaged_in_a_tar_header_is_reported_by_its_digest_before_any_entry_is_read()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer], TestLayout.Compression.None);
        string blob = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Single(f => File.ReadAllText(f).Contains("ID=original", StringComparison.Ordinal));
        byte[] bytes = File.ReadAllBytes(blob);
        bytes[0] = (byte)'/'; // the first entry's name now starts with '/', and its header checksum no longer adds up
        File.WriteAllBytes(blob, bytes);

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t")));

        Assert.Equal(ImageErrorKind.Corrupt, e.Kind);
        Assert.Contains("layer 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not match its name", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Cache, "tmp")));
    }

    [Fact]
    public void A_blob_longer_than_its_descriptor_is_refused()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer], TestLayout.Compression.None);
        string blob = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Single(f => File.ReadAllText(f).Contains("ID=original", StringComparison.Ordinal));
        File.AppendAllText(blob, "more");

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t")));

        Assert.Contains("larger than its descriptor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_config_is_refused_by_its_digest()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer]);
        string config = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Single(f => File.ReadAllText(f).Contains("\"Cmd\"", StringComparison.Ordinal));
        File.WriteAllText(config, File.ReadAllText(config).Replace("/bin/sh", "/bin/xx", StringComparison.Ordinal));

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t")));

        Assert.Contains("config blob", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_marker_naming_another_digest_is_never_trusted_and_the_entry_is_rebuilt()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer]);
        var store = new ImageStore(_scratch.Cache);
        PreparedImage first = store.Prepare(ImageReference.Parse(layout + ":t"));
        string entry = Path.GetDirectoryName(first.RootfsPath)!;
        string marker = Path.Combine(entry, "cordon-entry.json");
        File.WriteAllText(marker, File.ReadAllText(marker).Replace(first.ChainId.Hex, new string('0', 64), StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(first.RootfsPath, "etc", "planted"), "x");

        PreparedImage second = store.Prepare(ImageReference.Parse(layout + ":t"));

        Assert.False(second.FromCache);
        Assert.False(File.Exists(Path.Combine(second.RootfsPath, "etc", "planted")));
    }

    [Fact]
    public void An_edited_cache_entry_is_caught_when_entries_are_rehashed()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer]);
        PreparedImage first = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t"));
        string osRelease = Path.Combine(first.RootfsPath, "etc", "os-release");
        File.Delete(osRelease); // the merged file is a hard link to the layer's copy: replace, do not edit in place
        File.WriteAllText(osRelease, "ID=tampered\n");

        PreparedImage trusted = new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t"));
        Assert.True(trusted.FromCache); // the marker alone is the cheap check
        PreparedImage rehashed = new ImageStore(_scratch.Cache, rehashEntries: true).Prepare(ImageReference.Parse(layout + ":t"));

        Assert.False(rehashed.FromCache);
        Assert.Equal("ID=original\n", File.ReadAllText(Path.Combine(rehashed.RootfsPath, "etc", "os-release")));
    }

    [Fact]
    public void A_build_left_by_a_dead_process_is_swept_and_a_live_ones_is_kept()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer]);
        new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t"));
        string dead = Path.Combine(_scratch.Cache, "tmp", "build-999999999-0123"), live = Path.Combine(_scratch.Cache, "tmp", $"build-{Environment.ProcessId}-4567");
        Directory.CreateDirectory(Path.Combine(dead, "rootfs"));
        Directory.CreateDirectory(live);

        new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t"));

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void A_cache_writable_by_others_is_refused()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [Layer]);
        Directory.CreateDirectory(_scratch.Cache);
        File.SetUnixFileMode(_scratch.Cache, (UnixFileMode)0b111_111_111);

        var e = Assert.Throws<ImageException>(() => new ImageStore(_scratch.Cache).Prepare(ImageReference.Parse(layout + ":t")));

        Assert.Equal(ImageErrorKind.Cache, e.Kind);
        Assert.Contains("writable by no one else", e.Message, StringComparison.Ordinal);
    }
}
