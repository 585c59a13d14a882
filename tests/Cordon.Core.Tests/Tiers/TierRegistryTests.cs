using System.Collections.Immutable;
using Cordon.Diagnostics;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Core.Tests.Tiers;

/// <summary>The registry: names are unique, the first tier is the default, refusals come back as policy errors.</summary>
public class TierRegistryTests
{
    private sealed class NamedTier(string name, params TierOption[] options) : ISandboxTier
    {
        public string Name => name;
        public string Summary => "a test tier";
        public ImmutableSortedDictionary<PolicyFacet, string> Facets => ImmutableSortedDictionary<PolicyFacet, string>.Empty;
        public ImmutableArray<TierOption> Options => [.. options];
        public bool HasProcesses => false;
        public TierContainment? Containment => null;

        public PolicyAssessment Assess(SandboxPolicy policy) => new(Name, policy.Network.Mode == NetworkMode.None ? [] :
            [new FacetFinding(PolicyFacet.Network, "network", FacetSupport.Refused, "no network here")]);

        public Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken) => Task.FromResult(new HostCheck(Name, LayerStatus.Available, "ok", null, false));

        public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
            => throw new NotSupportedException();
    }

    [Fact]
    public void The_first_registered_tier_is_the_default_and_names_are_unique()
    {
        var registry = new TierRegistry([new NamedTier("a"), new NamedTier("b")]);
        Assert.Equal("a", registry.Default.Name);
        Assert.Equal("b", registry.Find("b")!.Name);
        Assert.Null(registry.Find("B"));
        Assert.Throws<ArgumentException>(() => registry.Register(new NamedTier("a")));
    }

    [Fact]
    public void Two_tiers_may_share_an_option_only_with_the_same_shape()
    {
        var registry = new TierRegistry([new NamedTier("a", new TierOption("--level", "N", "a level"))]);
        registry.Register(new NamedTier("b", new TierOption("--level", "N", "b level")));
        Assert.Equal(["a", "b"], registry.TakingOption("--level").Select(t => t.Name));
        Assert.Throws<ArgumentException>(() => registry.Register(new NamedTier("c", new TierOption("--level", null, "a flag"))));
    }

    [Fact]
    public void A_refused_facet_is_a_policy_error_naming_the_tier_and_the_setting()
    {
        PolicyAssessment fit = new NamedTier("quiet").Assess(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build());
        Assert.False(fit.Accepted);
        var e = Assert.Throws<PolicyValidationException>(fit.ThrowIfRefused);
        Assert.Contains(e.Errors, x => x.Key == "network" && x.Message.Contains("the quiet tier refuses it", StringComparison.Ordinal));
        Assert.True(new NamedTier("quiet").Assess(SandboxPolicy.Default).Accepted);
    }
}
