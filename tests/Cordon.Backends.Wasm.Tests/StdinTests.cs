using System.Text;
using Cordon.Execution;

namespace Cordon.Backends.Wasm.Tests;

[Collection(SerialMeasurements.Name)]
public sealed class StdinTests(DefaultBackendFixture fixture) : IClassFixture<DefaultBackendFixture>
{
    [Fact]
    public async Task Stdin_bytes_reach_the_module_and_no_temporary_file_remains()
    {
        string[] before = Directory.GetDirectories(Path.GetTempPath(), "cordon-wasm-*").Where(d => !d.Contains("-test-", StringComparison.Ordinal)).ToArray();
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("line of input\n", 1000)));
        var command = TestSupport.Command("echo_stdin.wat") with { StandardInput = input };

        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), command);

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(input, result.StandardOutput.Bytes.ToArray());
        string[] after = Directory.GetDirectories(Path.GetTempPath(), "cordon-wasm-*").Where(d => !d.Contains("-test-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Without_stdin_the_module_reads_end_of_file()
    {
        SandboxResult result = await fixture.Backend.RunAsync(TestSupport.Policy(), TestSupport.Command("echo_stdin.wat"));

        result.AssertOutcome(SandboxOutcome.Exited);
        Assert.Equal(0, result.StandardOutput.TotalBytes);
    }
}
