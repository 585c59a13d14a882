using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Wasm.Tests;

public sealed class NetworkTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task A_module_has_no_socket_to_accept_on()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("socket_accept.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(8, result.ExitCode);   // EBADF on every descriptor 3..9
    }

    [Fact]
    public async Task A_module_importing_a_socket_constructor_is_not_instantiated()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("socket_open.wat"));

        result.AssertOutcome(SandboxOutcome.ExecFailed);
        Assert.Contains("wasi_snapshot_preview1::sock_open", result.Detail);
    }

    [Fact]
    public async Task Asking_for_a_network_yields_a_warning_not_a_socket()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.WithNetwork(NetworkMode.Loopback)),
            TestSupport.Command("socket_accept.wat"));

        Assert.Equal(8, result.ExitCode);
        Assert.Contains(result.Warnings, w => w.Contains("no sockets", StringComparison.Ordinal));
    }
}
