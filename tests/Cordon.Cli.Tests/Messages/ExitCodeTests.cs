using System.Collections.Immutable;
using Cordon.Execution;
using Cordon.Cli.Tests.Support;
using Cordon.Policy;

namespace Cordon.Cli.Tests.Messages;

/// <summary>One exit-code convention: every outcome maps to the code the table in docs/cli.md gives it.</summary>
public class ExitCodeTests
{
    private static SandboxResult Result(SandboxOutcome outcome, int? exit = null, int? signal = null)
        => new(outcome, exit, signal, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty, [], [], ResourceLimits.Default);

    [Theory]
    [InlineData(SandboxOutcome.Exited, 3, null, 3)]
    [InlineData(SandboxOutcome.Signaled, null, 11, 139)]
    [InlineData(SandboxOutcome.WallTimeExceeded, null, 9, 124)]
    [InlineData(SandboxOutcome.CpuTimeExceeded, null, 9, 152)]
    [InlineData(SandboxOutcome.MemoryExceeded, null, 9, 137)]
    [InlineData(SandboxOutcome.ProcessLimitExceeded, 1, null, 123)]
    [InlineData(SandboxOutcome.OutputExceeded, null, 9, 122)]
    [InlineData(SandboxOutcome.DiskExceeded, 1, null, 120)]
    [InlineData(SandboxOutcome.SyscallDenied, null, 9, 159)]
    [InlineData(SandboxOutcome.Trapped, null, null, 121)]
    [InlineData(SandboxOutcome.Canceled, null, 9, 130)]
    [InlineData(SandboxOutcome.Canceled, null, 15, 143)]
    [InlineData(SandboxOutcome.Canceled, null, 1, 129)]
    [InlineData(SandboxOutcome.ExecFailed, 127, null, 127)]
    [InlineData(SandboxOutcome.ExecFailed, 126, null, 126)]
    public void Outcomes_map_to_the_documented_codes(SandboxOutcome outcome, int? exit, int? signal, int expected)
        => Assert.Equal(expected, ExitCodes.For(Result(outcome, exit, signal)));

    [Fact]
    public void Usage_errors_and_cordons_own_failures_share_one_code()
    {
        Assert.Equal(125, ExitCodes.Usage);
        Assert.Equal(125, ExitCodes.CordonFailed);
        Assert.Equal(141, ExitCodes.BrokenPipe);
    }

    [Fact]
    public void Every_code_is_in_the_documented_table()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "docs", "cli.md"));
        foreach (int code in new[] { 124, 152, 137, 123, 122, 120, 159, 121, 141, 130, 143, 125, 126, 127 })
            Assert.Contains($"| {code} |", readme);
    }
}
