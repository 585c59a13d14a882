using Cordon.Cli.Commands;
using Cordon.Cli.Reporting;
using Cordon.Cli.Tests.Support;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Cli.Tests.Messages;

/// <summary>Messages that say what to do: the program, the value, the flag.</summary>
public class RunHintTests
{
    private static RunOptions Options(string program, SandboxPolicy? policy = null) => new() { Policy = policy ?? SandboxPolicy.Default, Program = program, Tier = Cordon.Cli.Commands.CliTiers.Registry.Default };

    private static SandboxResult Result(SandboxOutcome outcome, ResourceLimits limits, int? exit = null)
        => new(outcome, exit, 9, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty, [], [], limits);

    [Fact]
    public void Not_found_names_the_program_where_it_is_on_the_host_and_the_option_that_grants_it()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-hint-").FullName;
        try
        {
            string prog = Path.Combine(dir, "prog");
            File.WriteAllText(prog, "#!/bin/sh\n");
            string absolute = RunHints.NotFound(Options(prog), RunParseContext.Host);
            Assert.Contains($"'{prog}'", absolute);
            Assert.Contains($"on the host it is {prog}", absolute);
            Assert.Contains($"--ro {dir}", absolute);
            Assert.Contains("--file", absolute);

            string missing = RunHints.NotFound(Options(Path.Combine(dir, "nope")), RunParseContext.Host);
            Assert.Contains("does not exist on the host either", missing);

            var host = new FakeHost();
            host.Variables["PATH"] = dir;
            string byName = RunHints.NotFound(Options("prog"), host);
            Assert.Contains($"on the host it is {prog}", byName);
            Assert.Contains("--ro " + dir, byName);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(SandboxOutcome.WallTimeExceeded, "--time", "3s")]
    [InlineData(SandboxOutcome.CpuTimeExceeded, "--cpu", "2s")]
    [InlineData(SandboxOutcome.MemoryExceeded, "--memory", "32M")]
    [InlineData(SandboxOutcome.ProcessLimitExceeded, "--pids", "7")]
    [InlineData(SandboxOutcome.OutputExceeded, "--output", "64K")]
    public void A_limit_verdict_names_its_value_and_its_flag(SandboxOutcome outcome, string flag, string value)
    {
        SandboxPolicy policy = new SandboxPolicyBuilder()
            .WithWallTime(TimeSpan.FromSeconds(3)).WithCpuTime(TimeSpan.FromSeconds(2)).WithMemory(32L << 20)
            .WithMaxProcesses(7).WithMaxOutput(64 << 10).Build();
        string hint = string.Join("\n", RunHints.For(Result(outcome, policy.Limits), Options("x", policy), null, RunParseContext.Host));
        Assert.Contains(flag, hint);
        Assert.Contains(value, hint);
    }

    [Fact]
    public void A_closed_reader_is_explained()
    {
        string hint = string.Join("\n", RunHints.For(Result(SandboxOutcome.Canceled, ResourceLimits.Default), Options("yes"), "stdout", RunParseContext.Host));
        Assert.Contains("EPIPE", hint);
        Assert.Contains("141", hint);
    }
}
