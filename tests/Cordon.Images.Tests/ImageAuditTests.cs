using Cordon.Images.Audit;
using Cordon.Images.Tests.Support;

namespace Cordon.Images.Tests;

/// <summary>What an image brings, found in its layers and config before anything is unpacked or run.</summary>
public sealed class ImageAuditTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void The_audit_lists_setid_files_world_writable_dirs_devices_network_secrets_and_the_user()
    {
        byte[] layer = new TestTar().Directory("bin").File("bin/su", "x", 0b100_111_101_101).Directory("var/drop", 0b111_111_111)
            .Directory("tmp", 0b001_111_111_111).Directory("dev").CharacterDevice("dev/mem").File("etc-ok", "fine").ToArray();
        string layout = TestLayout.Write(_scratch["img"], "t", [layer], configExtra: """
            ,"Entrypoint":["curl","-fsS"],"Env":["PATH=/bin","DB_PASSWORD=hunter2","NOTE=AKIAABCDEFGHIJKLMNOP"],"User":"0","ExposedPorts":{"8080/tcp":{}}
            """.Trim());

        var findings = ImageAudit.Run(ImageReference.Parse(layout + ":t"));

        Assert.Contains(findings, f => f.Kind == ImageFindingKind.SetIdFile && f.Subject == "/bin/su" && f.Layer == 0);
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.WorldWritableDirectory && f.Subject == "/var/drop" && f.Detail.Contains("without the sticky bit", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.WorldWritableDirectory && f.Subject == "/tmp" && f.Detail.Contains("with the sticky bit", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.DeviceNode && f.Subject == "/dev/mem");
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.NeedsNetwork && f.Detail.Contains("'curl'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.NeedsNetwork && f.Subject == "8080/tcp");
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.SecretEnvironment && f.Subject == "DB_PASSWORD");
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.SecretEnvironment && f.Subject == "NOTE");
        Assert.DoesNotContain(findings, f => f.Subject == "PATH" || f.Subject == "/etc-ok");
        Assert.Contains(findings, f => f.Kind == ImageFindingKind.RunsAsRoot && f.Subject == "0");
    }

    [Fact]
    public void The_audit_verifies_the_blobs_it_reads()
    {
        string layout = TestLayout.Write(_scratch["img"], "t", [new TestTar().File("a", "original").ToArray()], TestLayout.Compression.None);
        string blob = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Single(f => File.ReadAllText(f).Contains("original", StringComparison.Ordinal));
        File.WriteAllText(blob, File.ReadAllText(blob).Replace("original", "tampered", StringComparison.Ordinal));

        var e = Assert.Throws<ImageException>(() => ImageAudit.Run(ImageReference.Parse(layout + ":t")));

        Assert.Equal(ImageErrorKind.Corrupt, e.Kind);
    }
}
