using System.Buffers.Binary;
using Cordon.Execution;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Tools;

/// <summary>
/// Parsers of untrusted documents: inputs handed in with <c>--file</c>, results written to a <c>--rw</c> output directory,
/// and the host's parser security policy applied inside exactly as outside.
/// </summary>
public class DocumentToolTests : WorkloadTest
{
    // Debian's ImageMagick; /usr/local/bin may hold something else on a developer machine.
    private const string Convert = "/usr/bin/convert";

    [Fact]
    public async Task ImageMagick_resizes_and_pdftotext_extracts_into_a_read_write_output()
    {
        string output = WritableGrant.Prepare(HostDirectory());
        const string Script = $"{Convert} /in/red.png -resize 50% /out/small.png && pdftotext /in/hello.pdf /out/hello.txt";

        SandboxResult r = await ShAsync(Policy(null, b => b
            .CopyFile("/in/red.png", Fixtures.Path("documents", "red.png"))
            .CopyFile("/in/hello.pdf", Fixtures.Path("documents", "hello.pdf"))
            .MountReadWrite(output, "/out")), Script);

        AssertExited(r);
        Assert.Empty(r.Violations);
        Assert.Equal((32, 24), PngSize(Path.Combine(output, "small.png")));
        Assert.Contains("Hello Cordon", await File.ReadAllTextAsync(Path.Combine(output, "hello.txt")), StringComparison.Ordinal);
        WritableGrant.AssertOwnedLikeDirectory(output, Path.Combine(output, "small.png"));
        string bare = HostDirectory();
        int bareResized = HostRun.Run(bare, Convert, Fixtures.Path("documents", "red.png"), "-resize", "50%", "small.png").ExitCode == 0
            && PngSize(Path.Combine(bare, "small.png")) == (32, 24) ? 1 : 0;
        int bareExtracted = HostRun.Run(bare, "pdftotext", Fixtures.Path("documents", "hello.pdf"), "-").Stdout.Contains("Hello Cordon", StringComparison.Ordinal) ? 1 : 0;
        CorpusTable.Record("ImageMagick resize, `pdftotext`", "--file /in/red.png=... --file /in/hello.pdf=... --rw out:/out",
            (bareResized + bareExtracted, 2 - bareResized - bareExtracted), (2, 0));
    }

    [Fact]
    public async Task PostScript_through_ImageMagick_is_refused_inside_as_the_host_policy_refuses_it()
    {
        string output = WritableGrant.Prepare(HostDirectory());
        string input = Fixtures.Path("documents", "hello.ps");
        Assert.True(File.Exists("/etc/ImageMagick-6/policy.xml"), "Debian's ImageMagick policy is missing: apt-get install imagemagick");

        HostRun.Result bare = HostRun.Run(HostDirectory(), Convert, input, Path.Combine(HostDirectory(), "bare.png"));
        Assert.NotEqual(0, bare.ExitCode);
        Assert.Contains("not allowed by the security policy `PS'", bare.Stderr, StringComparison.Ordinal);

        SandboxResult r = await RunAsync(Policy(null, b => b.CopyFile("/in/hello.ps", input).MountReadWrite(output, "/out")),
            Convert, ["/in/hello.ps", "/out/rendered.png"]);

        Assert.Equal(SandboxOutcome.Exited, r.Outcome);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not allowed by the security policy `PS'", Stderr(r), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "rendered.png")), "ImageMagick rendered PostScript inside that the host refuses");
        CorpusTable.Record("PostScript through ImageMagick: refused, as the host's policy.xml says", "--file /in/hello.ps=... --rw out:/out", (1, 0), (1, 0),
            "refused inside exactly as on the host: the generated /etc binds the host's /etc/ImageMagick-6");
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        byte[] header = File.ReadAllBytes(path)[..24];
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }
}
