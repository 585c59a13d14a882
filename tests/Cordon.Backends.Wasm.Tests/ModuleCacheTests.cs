using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class ModuleCacheTests
{
    private static string Hello => Path.Combine(TestSupport.RepositoryRoot, "examples", "hello.wasm");

    [Fact]
    public async Task Compiled_modules_are_stored_on_disk_and_reused_by_a_new_backend()
    {
        using var cache = new TempDirectory();
        string directory = Path.Combine(cache.Path, "modules");
        var options = WasmBackendOptions.Default.WithModuleCache(directory);

        using (var first = new WasmSandboxBackend(options))
        {
            (await first.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello))).AssertOutcome(SandboxOutcome.Exited);
        }

        string entry = Assert.Single(Directory.GetFiles(directory));
        Assert.EndsWith(".cwasm", entry);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }

        DateTime written = File.GetLastWriteTimeUtc(entry);
        using var second = new WasmSandboxBackend(options);
        SandboxResult result = await second.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));

        Assert.Equal("hello\n", result.Stdout());
        Assert.Empty(result.Warnings);
        Assert.Equal(written, File.GetLastWriteTimeUtc(entry));   // loaded, not rewritten
    }

    [Theory]
    [InlineData("flip-payload")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public async Task A_corrupted_cache_entry_is_ignored_and_rebuilt(string damage)
    {
        using var cache = new TempDirectory();
        var options = WasmBackendOptions.Default.WithModuleCache(cache.Path);
        using (var first = new WasmSandboxBackend(options))
        {
            await first.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));
        }

        string entry = Assert.Single(Directory.GetFiles(cache.Path));
        byte[] good = File.ReadAllBytes(entry);
        byte[] bad = damage switch
        {
            "flip-payload" => Flip(good, good.Length - 100),
            "truncate" => good[..(good.Length / 2)],
            "garbage" => [.. Enumerable.Range(0, good.Length).Select(i => (byte)(i * 7))],
            _ => [],
        };
        File.WriteAllBytes(entry, bad);

        using var second = new WasmSandboxBackend(options);
        SandboxResult result = await second.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("hello\n", result.Stdout());
        Assert.Equal(good.Length, new FileInfo(entry).Length);   // rebuilt
        Assert.Single(Directory.GetFiles(cache.Path));            // no temporary file left behind
    }

    [Fact]
    public async Task A_cache_directory_others_can_write_is_not_used()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var cache = new TempDirectory();
        File.SetUnixFileMode(cache.Path, (UnixFileMode)0b111_111_111);
        using var backend = new WasmSandboxBackend(WasmBackendOptions.Default.WithModuleCache(cache.Path));

        SandboxResult result = await backend.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Contains(result.Warnings, w => w.Contains("writable by other users", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Fact]
    public async Task Engines_with_different_settings_do_not_share_entries()
    {
        using var cache = new TempDirectory();
        using (var metered = new WasmSandboxBackend(WasmBackendOptions.Default.WithModuleCache(cache.Path)))
        {
            await metered.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));
        }

        using var unmetered = new WasmSandboxBackend(WasmBackendOptions.Default.WithoutFuelLimit().WithModuleCache(cache.Path));
        SandboxResult result = await unmetered.RunAsync(TestSupport.Policy(), new SandboxCommand(Hello));

        Assert.Equal("hello\n", result.Stdout());
        Assert.Equal(2, Directory.GetFiles(cache.Path).Length);
    }

    [Fact]
    public void The_cache_directory_must_be_absolute()
        => Assert.Throws<ArgumentException>(() => WasmBackendOptions.Default.WithModuleCache("relative/dir"));

    private static byte[] Flip(byte[] bytes, int at)
    {
        byte[] copy = [.. bytes];
        copy[at] ^= 0x40;
        return copy;
    }
}
