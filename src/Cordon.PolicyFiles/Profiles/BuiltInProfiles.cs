using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Cordon.Errors;
using Cordon.PolicyFiles.Toml;

namespace Cordon.PolicyFiles.Profiles;

/// <summary>
/// The built-in runtime profiles. Each opens only what that runtime needs on Debian and is tested with a real program
/// and a hostile probe (tests/Cordon.IntegrationTests/Profiles). Their text lives in Profiles/*.toml beside this file.
/// </summary>
public static class BuiltInProfiles
{
    private static readonly Lazy<FrozenDictionary<string, RuntimeProfile>> All = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The profile names, from the tightest to the broadest.</summary>
    public static ImmutableArray<string> Names { get; } = ["minimal", "shell", "python", "node", "gcc"];

    /// <summary>Every profile, in <see cref="Names"/> order.</summary>
    public static IEnumerable<RuntimeProfile> Profiles => Names.Select(n => All.Value[n]);

    /// <summary>Finds a profile by name (exact, lower case).</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out RuntimeProfile? profile)
        => All.Value.TryGetValue(name, out profile);

    private static FrozenDictionary<string, RuntimeProfile> Load()
    {
        Dictionary<string, RuntimeProfile> profiles = new(StringComparer.Ordinal);
        foreach (string name in Names)
        {
            using Stream stream = typeof(BuiltInProfiles).Assembly.GetManifestResourceStream($"Cordon.PolicyFiles.Profiles.{name}.toml")
                ?? throw new InvalidOperationException($"built-in profile '{name}' is missing from the assembly");
            using var reader = new StreamReader(stream);
            string toml = reader.ReadToEnd();
            List<PolicyError> errors = [];
            string summary = TomlTreeBuilder.Parse(toml, "profile:" + name, errors)?.Find("description")?.Value is TomlScalar { Value: string s } ? s : name;
            profiles[name] = new RuntimeProfile(name, summary, toml);
        }

        return profiles.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
