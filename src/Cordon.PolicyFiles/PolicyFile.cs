using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Cordon.Errors;
using Cordon.Policy;
using Cordon.PolicyFiles.Reading;
using Cordon.PolicyFiles.Writing;

namespace Cordon.PolicyFiles;

/// <summary>
/// Reads and writes Cordon policy files (TOML). A file states the doors it opens and the limits it sets; everything it
/// does not name keeps the value of the policy it <c>extends</c> (a built-in profile or another file), or the closed
/// default. The whole file is validated at once: every problem comes back with file:line:column, the key and what is allowed.
/// </summary>
/// <example>
/// <code>
/// SandboxPolicy policy = PolicyFile.Load("examples/python.toml");        // throws PolicyValidationException listing every problem
/// SandboxPolicy judge = PolicyFile.LoadReference("minimal");              // a built-in profile
/// string toml = PolicyFile.Format(policy);                                // the resolved policy; Parse(toml) equals policy
/// </code>
/// </example>
/// <remarks>The format is described in docs/policy-reference.md.</remarks>
public static class PolicyFile
{
    /// <summary>Loads the policy file at <paramref name="path"/>.</summary>
    /// <exception cref="PolicyValidationException">The file is unreadable, not TOML, or not a valid policy; lists every problem.</exception>
    public static SandboxPolicy Load(string path, PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TryLoad(path, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, options) ? policy : throw PolicyValidationException.Create(errors);
    }

    /// <summary>Loads the policy file at <paramref name="path"/>; on failure returns every problem found.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Run(options, (resolver, directory, list) => resolver.ReadReference(AsFileReference(path), directory, list), out policy, out errors);
    }

    /// <summary>Loads a built-in profile by name (<c>python</c>) or a policy file by path (anything with a '/' or a .toml suffix).</summary>
    /// <exception cref="PolicyValidationException">Unknown profile, unreadable or invalid file; lists every problem.</exception>
    public static SandboxPolicy LoadReference(string reference, PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return TryLoadReference(reference, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, options) ? policy : throw PolicyValidationException.Create(errors);
    }

    /// <summary>Like <see cref="LoadReference"/>, returning every problem instead of throwing.</summary>
    public static bool TryLoadReference(string reference, [NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Run(options, (resolver, directory, list) => resolver.ReadReference(reference, directory, list), out policy, out errors);
    }

    /// <summary>Parses policy text; <paramref name="sourceName"/> names it in error locations.</summary>
    /// <exception cref="PolicyValidationException">Lists every problem.</exception>
    public static SandboxPolicy Parse(string toml, string sourceName = "policy.toml", PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        return TryParse(toml, sourceName, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, options) ? policy : throw PolicyValidationException.Create(errors);
    }

    /// <summary>Parses policy text; on failure returns every problem found.</summary>
    public static bool TryParse(string toml, string sourceName, [NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors, PolicyFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Run(options, (resolver, directory, list) => resolver.ReadText(toml, sourceName, "text:" + sourceName, directory, list), out policy, out errors);
    }

    /// <summary>
    /// The fully resolved policy as a policy file: every key with its effective value (extends and defaults applied),
    /// host paths absolute. Parsing the result gives a policy equal to <paramref name="policy"/>.
    /// </summary>
    public static string Format(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PolicyFileWriter.Write(policy);
    }

    /// <summary>
    /// The policy as a file for a runner that already sits inside a sandbox built from it (<c>--contain</c>): every
    /// grant named by its guest path, the work directory as <c>/work</c>; every limit, variable and door as given.
    /// </summary>
    public static string FormatAsSeenInside(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PolicyFileWriter.Write(policy, asSeenInside: true);
    }

    /// <summary>Every key a policy file may hold, as a dotted path (<c>limits.memory</c>); the CLI's options name theirs.</summary>
    public static IEnumerable<string> Keys => Reading.PolicySchema.DottedKeys();

    /// <summary>
    /// True when <paramref name="reference"/> names a built-in profile rather than a file: it has no '/' and does not
    /// end in <c>.toml</c>. The same rule applies to <c>extends</c> and to the CLI's policy arguments.
    /// </summary>
    public static bool IsProfileReference(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return !reference.Contains('/', StringComparison.Ordinal) && !reference.EndsWith(".toml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A path given as a file stays a file even without '/' or .toml (policy.conf in the current directory).</summary>
    private static string AsFileReference(string path) => IsProfileReference(path) ? "./" + path : path;

    private static bool Run(PolicyFileOptions? options, Func<PolicyResolver, string, List<PolicyError>, SandboxPolicy?> read,
        [NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors)
    {
        string baseDirectory = (options ?? PolicyFileOptions.Default).ResolvedBaseDirectory;
        List<PolicyError> list = [];
        policy = read(new PolicyResolver(baseDirectory, (options ?? PolicyFileOptions.Default).AllowExtendsOutsideDirectory), baseDirectory, list);
        if (list.Count > 0) policy = null;
        else if (policy is null) list.Add(new PolicyError("policy", "the policy could not be read"));
        errors = [.. list.OrderBy(e => e.Source is null ? 1 : 0).ThenBy(e => SourceOrder(e.Source))];
        return policy is not null;
    }

    /// <summary>Orders "file:line:column" sources by file, then line and column numerically; others keep their order.</summary>
    private static (string File, int Line, int Column) SourceOrder(string? source)
    {
        if (source is null) return ("", 0, 0);
        string[] parts = source.Split(':');
        if (parts.Length >= 3
            && int.TryParse(parts[^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int line)
            && int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int column))
        {
            return (string.Join(':', parts[..^2]), line, column);
        }

        return (source, 0, 0);
    }
}
