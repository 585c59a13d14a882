using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

public sealed class EnvironmentTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task A_module_sees_only_the_policy_environment_and_no_host_variable()
    {
        Environment.SetEnvironmentVariable("CORDON_WASM_TEST_SECRET", "do-not-leak");

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(p => p.SetEnvironment("GREETING", "hi")),
            TestSupport.Command("print_environment.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("GREETING=hi\n", result.Stdout());
        Assert.DoesNotContain("do-not-leak", result.Stdout());
    }

    [Fact]
    public async Task With_an_empty_policy_environment_the_module_gets_none()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("print_environment.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal("", result.Stdout());
    }
}
