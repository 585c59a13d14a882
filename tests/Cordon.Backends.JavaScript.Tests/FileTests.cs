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

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
