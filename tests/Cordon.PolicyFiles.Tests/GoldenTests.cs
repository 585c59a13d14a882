using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Tests;

public class GoldenTests
{
    [Fact]
    public void A_file_with_every_key_resolves_to_the_golden_effective_policy()
    {
        SandboxPolicy policy = PolicyFile.Load(Golden.InputPath("every-key.toml"));
        Golden.AssertMatches("every-key.expected.toml", PolicyFile.Format(policy));
    }

    [Fact]
    public void A_file_with_one_of_each_mistake_reports_the_golden_error_list()
    {
        Assert.False(PolicyFile.TryParse(Golden.Input("errors.toml"), "errors.toml", out _, out ImmutableArray<PolicyError> errors));
        Golden.AssertMatches("errors.expected.txt", string.Join("\n", errors) + "\n");
    }

    [Theory]
    [InlineData("minimal")]
    [InlineData("shell")]
    [InlineData("python")]
    [InlineData("node")]
    [InlineData("gcc")]
    public void Each_profile_resolves_to_its_golden_effective_policy(string profile)
        => Golden.AssertMatches($"profile-{profile}.expected.toml", PolicyFile.Format(PolicyFile.LoadReference(profile)));

    [Fact]
    public void The_default_policy_prints_every_door_closed()
        => Golden.AssertMatches("default.expected.toml", PolicyFile.Format(SandboxPolicy.Default));
}
