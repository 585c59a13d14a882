using Cordon.Policy;

namespace Cordon.PolicyFiles.Profiles;

/// <summary>A built-in policy for one runtime: its name, a one-line summary and its policy file text.</summary>
public sealed class RuntimeProfile
{
    private readonly Lazy<SandboxPolicy> _policy;

    internal RuntimeProfile(string name, string summary, string toml)
    {
        Name = name;
        Summary = summary;
        Toml = toml;
        _policy = new Lazy<SandboxPolicy>(() => PolicyFile.LoadReference(name), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The name used with <c>extends</c>, <c>--profile</c> and <see cref="PolicyFile.LoadReference"/>.</summary>
    public string Name { get; }

    /// <summary>One line: what the profile is for and what it opens.</summary>
    public string Summary { get; }

    /// <summary>The profile's policy file, as shipped.</summary>
    public string Toml { get; }

    /// <summary>The resolved policy.</summary>
    public SandboxPolicy Policy => _policy.Value;
}
