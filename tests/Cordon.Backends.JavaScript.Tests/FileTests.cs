using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.JavaScript.Tests;

/// <summary>readFile reads only what a read-only grant covers, never follows a symlink, never leaves the grant.</summary>
public sealed class FileTests(BackendFixture fixture) : IClassFixture<BackendFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cordon-js-test-").FullName;

    [Fact]
    public async Task Granted_files_are_readable_and_nothing_else_is()
    {
        string data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "in.txt"), "granted");
        File.WriteAllText(Path.Combine(_root, "secret.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(data, "link.txt"), Path.Combine(_root, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(data, "dirlink"), _root);
        string single = Path.Combine(_root, "single.txt");
        File.WriteAllText(single, "one file");
        SandboxPolicy policy = TestSupport.Policy(b => b.MountReadOnly(data, "/data").CopyFile("/input.txt", single));

        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("read-files.js",
            "/data/in.txt", "/input.txt", "/data/../secret.txt", "/data/link.txt", "/data/dirlink/secret.txt", "/etc/passwd", "/input.txt/x", "relative.txt"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal($"""
            /data/in.txt: "granted"
            /input.txt: "one file"
            /data/../secret.txt: Error: readFile '/data/../secret.txt': a symlink or an escape from the grant (not followed)
            /data/link.txt: Error: readFile '/data/link.txt': a symlink or an escape from the grant (not followed)
            /data/dirlink/secret.txt: Error: readFile '/data/dirlink/secret.txt': a symlink or an escape from the grant (not followed)
            /etc/passwd: Error: readFile '/etc/passwd': outside every read-only grant of the policy
            /input.txt/x: Error: readFile '/input.txt/x': /input.txt is a single granted file
            relative.txt: Error: readFile 'relative.txt': not an absolute guest path

            """.ReplaceLineEndings("\n"), run.Result.Stdout());
        Assert.Equal(6, run.Denials.Length);
    }

    [Fact]
    public async Task A_read_write_grant_and_the_work_directory_are_readable_but_never_written()
    {
        string work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        File.WriteAllText(Path.Combine(work, "notes.txt"), "in the work dir");
        SandboxPolicy policy = TestSupport.Policy(b => b.WithWorkDirectory(work));
        JavaScriptRunResult run = await fixture.Backend.RunJavaScriptAsync(policy, TestSupport.Command("read-files.js", "/work/notes.txt"));
        run.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("/work/notes.txt: \"in the work dir\"\n", run.Result.Stdout());
        Assert.Contains(run.Result.Warnings, w => w.Contains("never writes files", StringComparison.Ordinal));
        Assert.Equal(["notes.txt"], Directory.GetFiles(work).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
