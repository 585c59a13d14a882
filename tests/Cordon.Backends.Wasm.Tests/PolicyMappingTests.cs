using Cordon.Errors;
using Cordon.Execution;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Wasm.Tests;

public sealed class PolicyMappingTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task A_tmpfs_mount_is_refused_because_its_size_cannot_be_capped()
    {
        var error = await Assert.ThrowsAsync<SandboxSetupException>(() =>
            fixture.Backend.RunAsync(TestSupport.Policy(p => p.MountTmpfs("/scratch")), TestSupport.Command("trivial.wat")));

        Assert.Equal("wasm-preopen", error.Step);
        Assert.Contains("/scratch", error.Message);
    }

    [Fact]
    public async Task Inherited_descriptors_are_refused()
    {
        using SafeFileHandle handle = File.OpenHandle(TestSupport.Module("trivial.wat"));
        var command = TestSupport.Command("trivial.wat") with { InheritedFiles = [new InheritedFile(handle, 3)] };

        var error = await Assert.ThrowsAsync<SandboxSetupException>(() => fixture.Backend.RunAsync(TestSupport.Policy(), command));

        Assert.Equal("wasm-inherited-files", error.Step);
    }

    [Fact]
    public async Task Wasi_arguments_are_passed_with_the_module_name_as_argv0()
    {
        // open_path.wat opens argv[1]; with too few arguments it exits 100.
        SandboxResult none = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("open_path.wat"));
        SandboxResult one = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("open_path.wat", "x"));

        Assert.Equal(100, none.ExitCode);
        Assert.Equal(8, one.ExitCode);
    }

    [Fact]
    public async Task The_result_carries_the_policy_limits()
    {
        var policy = TestSupport.Policy();
        SandboxResult result = await fixture.Backend.RunAsync(policy, TestSupport.Command("trivial.wat"));

        Assert.Same(policy.Limits, result.Limits);
        Assert.Empty(result.Violations);
        Assert.Null(result.Signal);
    }
}
