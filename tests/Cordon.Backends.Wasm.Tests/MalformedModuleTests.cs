using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class MalformedModuleTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task A_truncated_module_fails_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        byte[] hello = File.ReadAllBytes(Path.Combine(TestSupport.RepositoryRoot, "examples", "hello.wasm"));
        string truncated = dir.File("truncated.wasm");
        File.WriteAllBytes(truncated, hello[..40]);

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(truncated));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.StartsWith("invalid WebAssembly module 'truncated.wasm': ", result.Detail);
        Assert.Contains("unexpected end", result.Detail);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f })]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00 })]
    [InlineData(new byte[] { })]
    public async Task Malformed_bytes_fail_with_a_clear_message_and_no_crash(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.wasm");
        File.WriteAllBytes(path, bytes);

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(path));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.StartsWith("invalid WebAssembly module 'bad.wasm': ", result.Detail);
    }

    [Fact]
    public async Task Random_garbage_fails_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        var random = new Random(8);
        for (int i = 0; i < 20; i++)
        {
            string path = dir.File($"garbage{i}.wasm");
            byte[] bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            bytes[0] = 0;   // not text
            File.WriteAllBytes(path, bytes);

            SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(path));

            result.AssertOutcome(SandboxOutcome.ExecFailed);
        }
    }

    [Fact]
    public async Task Invalid_wat_text_fails_with_the_parser_message()
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.wat");
        File.WriteAllText(path, "(module (func (export \"_start\") (i32.add)))\n");

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(path));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.StartsWith("invalid WebAssembly text 'broken.wat': ", result.Detail);
    }

    [Fact]
    public async Task Control_characters_in_names_are_escaped_in_the_detail()
    {
        using var dir = new TempDirectory();
        string path = dir.File("evil.wat");
        File.WriteAllText(path, "(module (import \"env\" \"\\1b[31mred\" (func)) (func (export \"_start\")))");

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(path));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.DoesNotContain('\u001b', result.Detail!);
        Assert.Contains("env::\\x1b[31mred", result.Detail);
    }

    [Fact]
    public async Task A_missing_file_fails_ExecFailed()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand("/nonexistent/module.wasm"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Equal("module: '/nonexistent/module.wasm' does not exist (hint: check the path)", result.Detail);
    }

    [Fact]
    public async Task A_module_path_through_a_planted_link_a_fifo_or_a_device_is_refused_without_blocking()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-module-doors-").FullName;
        try
        {
            File.Copy(TestSupport.Module("trivial.wat"), Path.Combine(dir, "real.wat"));
            File.CreateSymbolicLink(Path.Combine(dir, "link.wat"), Path.Combine(dir, "real.wat"));
            Directory.CreateSymbolicLink(Path.Combine(dir, "via"), dir);
            string fifo = Path.Combine(dir, "fifo.wasm");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) { mkfifo.WaitForExit(); Assert.Equal(0, mkfifo.ExitCode); }

            foreach ((string path, string expected) in new[]
            {
                (Path.Combine(dir, "link.wat"), "is a symbolic link"),
                (Path.Combine(dir, "via", "real.wat"), $"goes through the symbolic link '{Path.Combine(dir, "via")}'"),
                (fifo, "is a FIFO (named pipe), not a regular file"),
                ("/dev/zero", "is a character device, not a regular file"),
                (dir, "is a directory, not a regular file"),
            })
            {
                SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(path));
                result.AssertOutcome(SandboxOutcome.ExecFailed);
                Assert.Contains(expected, result.Detail);
            }

            // The real path still runs.
            (await fixture.Backend.RunAsync(TestSupport.Policy(), new SandboxCommand(Path.Combine(dir, "real.wat")))).AssertOutcome(SandboxOutcome.Exited);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_core_module_without_start_names_its_exports()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("numbers.wat"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.StartsWith("module has no _start, so it is not a WASI command; it exports 'add', 'mul64'", result.Detail);
        Assert.EndsWith("(call one with invoke)", result.Detail);
    }
}
