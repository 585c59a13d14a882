using System.Collections.Immutable;
using System.Text;
using Cordon.Contracts;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Core.Tests.Contracts;

/// <summary>The result document: one golden file per outcome and per tier, a lossless round trip, and strict reading.</summary>
public class RunDocumentTests
{
    private const string RunId = "0123456789abcdef0123456789abcdef";

    private static SandboxResult Result(SandboxOutcome outcome, string tier = "process", int? exit = null, int? signal = null, TierDetails? details = null,
        string? detail = null, ImmutableArray<SyscallViolation> violations = default, byte[]? stdout = null)
        => new SandboxResult(outcome, exit, signal, TimeSpan.FromMilliseconds(12.34), new ResourceUsage(TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(1.5), 1 << 20, false, 2, false),
            new CapturedOutput(stdout ?? "out\n"u8.ToArray(), (stdout ?? "out\n"u8.ToArray()).Length, false), CapturedOutput.Empty,
            violations.IsDefault ? [] : violations, [], ResourceLimits.Default, detail)
        { Tier = tier, RunId = RunId, Details = details };

    public static TheoryData<string> Cases => [.. Golden.Keys];

    private static readonly Dictionary<string, SandboxResult> Golden = new()
    {
        ["process-exited"] = Result(SandboxOutcome.Exited, exit: 0),
        ["process-exited-failure"] = Result(SandboxOutcome.Exited, exit: 3),
        ["process-signaled"] = Result(SandboxOutcome.Signaled, signal: 11),
        ["process-exec-failed"] = Result(SandboxOutcome.ExecFailed, exit: 127, detail: "program 'nope' not found"),
        ["process-wall-time"] = Result(SandboxOutcome.WallTimeExceeded, signal: 9, detail: "wall-clock limit 10s reached"),
        ["process-cpu-time"] = Result(SandboxOutcome.CpuTimeExceeded, signal: 9),
        ["process-memory"] = Result(SandboxOutcome.MemoryExceeded, signal: 9),
        ["process-pids"] = Result(SandboxOutcome.ProcessLimitExceeded, exit: 1),
        ["process-output"] = Result(SandboxOutcome.OutputExceeded, signal: 9),
        ["process-disk"] = Result(SandboxOutcome.DiskExceeded, exit: 1),
        ["process-syscall"] = Result(SandboxOutcome.SyscallDenied, signal: 31, violations: [new SyscallViolation("ptrace", 101, 1, "kill")]),
        ["process-canceled"] = Result(SandboxOutcome.Canceled, signal: 15),
        ["process-invalid-utf8"] = Result(SandboxOutcome.Exited, exit: 0, stdout: [0x66, 0xff, 0x1b, (byte)'[', (byte)'2', (byte)'J', (byte)'<']),
        ["wasm-trapped"] = Result(SandboxOutcome.Trapped, "wasm", details: new WasmDetails(1234, "unreachable"), detail: "trap: unreachable"),
        ["wasm-out-of-fuel"] = Result(SandboxOutcome.CpuTimeExceeded, "wasm", details: new WasmDetails(100000, null, OutOfFuel: true)),
        ["js-statements"] = Result(SandboxOutcome.CpuTimeExceeded, "js", details: new JavaScriptDetails("statements", null, ["require: not defined"])),
        ["js-error"] = Result(SandboxOutcome.Exited, "js", exit: 1, details: new JavaScriptDetails(null, "TypeError", [])),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_outcome_and_tier_has_its_golden_document(string name)
    {
        byte[] json = RunDocuments.ToUtf8(RunDocuments.From(Golden[name]));
        SourceGolden.AssertMatches($"Golden/{name}.json", Encoding.UTF8.GetString(json) + "\n");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_document_reads_back_to_the_same_result(string name)
    {
        SandboxResult original = Golden[name];
        Assert.True(RunDocuments.TryRead(RunDocuments.ToUtf8(RunDocuments.From(original)), out RunDocument? document, out string problem), problem);
        SandboxResult back = RunDocuments.ToResult(document!);
        Assert.Equal(original.Outcome, back.Outcome);
        Assert.Equal(original.ExitCode, back.ExitCode);
        Assert.Equal(original.Signal, back.Signal);
        Assert.Equal(original.Detail, back.Detail);
        Assert.Equal(original.Details, back.Details is JavaScriptDetails j && original.Details is JavaScriptDetails o && j.Denials.SequenceEqual(o.Denials) ? original.Details : back.Details);
        Assert.True(original.StandardOutput.Bytes.Span.SequenceEqual(back.StandardOutput.Bytes.Span));
        Assert.Equal(original.Limits, back.Limits);
        Assert.True(original.Violations.SequenceEqual(back.Violations));
        Assert.Equal((original.Tier, original.RunId), (back.Tier, back.RunId));
    }

    [Fact]
    public void Guest_bytes_cannot_break_the_document_or_reach_a_page_unescaped()
    {
        string json = Encoding.UTF8.GetString(RunDocuments.ToUtf8(RunDocuments.From(Golden["process-invalid-utf8"])));
        Assert.DoesNotContain("\u001b", json);
        Assert.DoesNotContain("<", json);
        Assert.Contains("\"stdoutBase64\"", json);
    }

    [Theory]
    [InlineData("{\"schema\":\"cordon.result/1\"}", "missing")]
    [InlineData("[]", "")]
    [InlineData("not json", "")]
    public void Reading_is_strict(string json, string expected)
    {
        Assert.False(RunDocuments.TryRead(Encoding.UTF8.GetBytes(json), out _, out string problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_member_or_schema_or_outcome_is_refused()
    {
        string valid = Encoding.UTF8.GetString(RunDocuments.ToUtf8(RunDocuments.From(Golden["process-exited"])));
        Assert.True(RunDocuments.TryRead(Encoding.UTF8.GetBytes(valid), out _, out _));
        Assert.False(RunDocuments.TryRead(Encoding.UTF8.GetBytes(valid.Replace("\"tier\"", "\"extra\": 1, \"tier\"", StringComparison.Ordinal)), out _, out _));
        Assert.False(RunDocuments.TryRead(Encoding.UTF8.GetBytes(valid.Replace("cordon.result/1", "cordon.result/0", StringComparison.Ordinal)), out _, out string schema));
        Assert.Contains("schema", schema, StringComparison.Ordinal);
        Assert.False(RunDocuments.TryRead(Encoding.UTF8.GetBytes(valid.Replace("\"exited\"", "\"fine\"", StringComparison.Ordinal)), out _, out string outcome));
        Assert.Contains("unknown outcome", outcome, StringComparison.Ordinal);
        Assert.False(RunDocuments.TryRead(Encoding.UTF8.GetBytes(valid.Replace("\"stdout\": \"out\\n\"", "\"stdout\": null", StringComparison.Ordinal)), out _, out _));
    }

    [Fact]
    public void A_setup_error_has_the_shape_of_every_other_document()
    {
        RunDocument error = RunDocuments.SetupError("wasm", "module: 'x.wasm' does not exist");
        Assert.Equal("setup_error", error.Outcome);
        Assert.Equal("setup.error", error.Reason);
        Assert.Equal(RunDocuments.Limits(ResourceLimits.Default), error.Limits);
        Assert.True(RunDocuments.TryRead(RunDocuments.ToUtf8(error), out _, out string problem), problem);
    }

    [Fact]
    public void Every_outcome_has_one_wire_name_that_parses_back()
    {
        foreach (SandboxOutcome outcome in Enum.GetValues<SandboxOutcome>())
        {
            Assert.True(WireNames.TryParseOutcome(WireNames.Outcome(outcome), out SandboxOutcome back));
            Assert.Equal(outcome, back);
        }

        Assert.False(WireNames.TryParseOutcome("exited ", out SandboxOutcome unknown));
        Assert.NotEqual(SandboxOutcome.Exited, unknown);
    }
}
