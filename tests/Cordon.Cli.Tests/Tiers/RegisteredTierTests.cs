using System.Collections.Immutable;
using Cordon.Cli.Commands;
using Cordon.Diagnostics;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Cli.Tests.Tiers;

/// <summary>
/// A tier the CLI has never heard of, registered beside the real ones, shows up in <c>cordon run --help</c>, completions,
/// the parser, <c>cordon doctor</c> and policy validation: nothing in the CLI names a tier.
/// </summary>
public class RegisteredTierTests
{
    private sealed class EchoTier : ISandboxTier
    {
        public string Name => "echo";
        public string Summary => "PROGRAM is echoed back, nothing runs";
        public ImmutableSortedDictionary<PolicyFacet, string> Facets => ImmutableSortedDictionary<PolicyFacet, string>.Empty.Add(PolicyFacet.Network, "refused: echo has no network");
        public ImmutableArray<TierOption> Options => [new("--echo-times", "N", "how many echoes", v => int.TryParse(v, out int n) && n > 0 ? null : $"'{v}' is not a positive count")];
        public bool HasProcesses => false;
        public TierContainment? Containment => null;

        public PolicyAssessment Assess(SandboxPolicy policy) => new(Name, policy.Network.Mode == NetworkMode.None ? [] :
            [new FacetFinding(PolicyFacet.Network, "network", FacetSupport.Refused, "echo has no network; use network none")]);

        public Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken)
            => Task.FromResult(new HostCheck("echo tier", LayerStatus.Available, "always here", null, Required: false));

        public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
            => Task.FromResult(new SandboxResult(SandboxOutcome.Exited, 0, null, TimeSpan.Zero, ResourceUsage.None, CapturedOutput.Empty, CapturedOutput.Empty, [], [], policy.Limits));
    }

    private sealed class Context(RunOptionTable table) : RunParseContext
    {
        public override RunOptionTable Table => table;
    }

    private static readonly TierRegistry Tiers = new([.. CliTiers.Registry.All, new EchoTier()]);
    private static readonly RunOptionTable Table = new(Tiers);

    [Fact]
    public void Its_name_summary_and_options_are_in_the_help_and_the_completions()
    {
        string help = Table.Usage();
        Assert.Contains("echo: PROGRAM is echoed back, nothing runs", help, StringComparison.Ordinal);
        Assert.Contains("--echo-times N", help, StringComparison.Ordinal);
        Assert.Contains("echo: how many echoes", help, StringComparison.Ordinal);
        Assert.Contains("echo", Table.Find("--tier")!.Choices);
        Assert.DoesNotContain("echo", RunOptionTable.Default.Find("--tier")!.Choices);
    }

    [Fact]
    public void The_parser_takes_it_checks_its_options_and_keeps_them_for_the_tier()
    {
        var (options, errors) = RunOptionsParser.Parse(["--tier", "echo", "--echo-times", "3", "--", "hello"], new Context(Table));
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        Assert.Equal("echo", options!.Tier.Name);
        Assert.Equal("3", options.TierSettings["--echo-times"]);

        (_, errors) = RunOptionsParser.Parse(["--tier", "echo", "--echo-times", "lots", "--", "hello"], new Context(Table));
        Assert.Contains(errors, e => e.Key == "--echo-times" && e.Message.Contains("not a positive count", StringComparison.Ordinal));
        (_, errors) = RunOptionsParser.Parse(["--echo-times", "3", "--", "/bin/true"], new Context(Table));
        Assert.Contains(errors, e => e.Message == "--echo-times belongs to the echo tier; add --tier echo");
        (_, errors) = RunOptionsParser.Parse(["--tier", "echo", "-t", "--", "hello"], new Context(Table));
        Assert.Contains(errors, e => e.Message == "the echo tier has no terminals; drop -t");
        (_, errors) = RunOptionsParser.Parse(["--tier", "echo", "--contain", "--", "hello"], new Context(Table));
        Assert.Contains(errors, e => e.Key == "--tier" && e.Message.Contains("--contain belongs to the wasm and js tiers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_has_a_row_for_it()
    {
        List<HostCheck> rows = await DoctorCommand.TierChecksAsync(Tiers, CancellationToken.None);
        Assert.Contains(rows, r => r.Layer == "echo tier" && r.Status == LayerStatus.Available);
        Assert.Equal(["process tier", "wasm tier", "js tier", "gvisor tier", "echo tier"], rows.Select(r => r.Layer));
    }

    [Fact]
    public void Policy_validation_reports_what_it_refuses()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("cordon-tier-").FullName, "net.toml");
        File.WriteAllText(file, "network = \"loopback\"\n");
        List<string> errors = [];
        int code = PolicyCommand.Check([file], [new EchoTier()], errors.Add);
        Assert.Equal(PolicyCommand.Invalid, code);
        Assert.Contains($"{file}: network: the echo tier refused it: echo has no network; use network none", errors);
        Assert.Equal(PolicyCommand.Valid, PolicyCommand.Check([file], [.. CliTiers.Registry.All, new EchoTier()], errors.Add));
    }
}
