using Cordon.Errors;
using Cordon.Policy;
using Cordon.PolicyFiles.Profiles;
using Cordon.PolicyFiles.Toml;

namespace Cordon.PolicyFiles.Reading;

/// <summary>Reads policy documents and follows their <c>extends</c> chains (built-in profiles or other files), refusing cycles.</summary>
internal sealed class PolicyResolver(string baseDirectory, bool allowExtendsOutsideDirectory = false)
{
    /// <summary>Longest extends chain; deeper is almost certainly a generated mistake.</summary>
    private const int MaxDepth = 16;

    /// <summary>Documents being read, outermost first: profile:NAME or a full file path.</summary>
    private readonly List<string> _chain = [];

    /// <summary>A built-in profile by name, or a policy file by path (relative to <paramref name="directory"/>).</summary>
    public SandboxPolicy? ReadReference(string reference, string directory, List<PolicyError> errors, string key = "policy", string? at = null)
    {
        if (PolicyFile.IsProfileReference(reference))
        {
            if (!BuiltInProfiles.TryGet(reference, out RuntimeProfile? profile))
            {
                errors.Add(new PolicyError(key, $"unknown profile '{reference}'; built-in profiles: {string.Join(", ", BuiltInProfiles.Names)} (a file path needs a '/' or a .toml suffix)", at));
                return null;
            }

            return ReadText(profile.Toml, "profile:" + profile.Name, "profile:" + profile.Name, directory, errors, at);
        }

        string path = Path.GetFullPath(reference, directory);
        if (key == "extends" && !allowExtendsOutsideDirectory && !IsBeneath(path, directory))
        {
            errors.Add(new PolicyError(key, $"'{reference}' is outside the directory of the file that extends it ({directory}); move the base policy there, or allow it explicitly (PolicyFileOptions.AllowExtendsOutsideDirectory)", at));
            return null;
        }

        string text;
        try
        {
            // Opened without following links (the directory may be a guest's), as a regular file of bounded size.
            text = System.Text.Encoding.UTF8.GetString(HostFiles.HostPath.ReadAllBytes(path, "policy file", PolicyFileOptions.MaxFileBytes));
        }
        catch (SandboxSetupException e)
        {
            errors.Add(new PolicyError(key, e.Message, at));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new PolicyError(key, $"cannot read policy file '{path}': {e.Message}", at));
            return null;
        }

        return ReadText(text, DisplayName(path), path, Path.GetDirectoryName(path) ?? directory, errors, at);
    }

    /// <summary>Reads one document: parse, resolve its extends, apply it on the basis.</summary>
    public SandboxPolicy? ReadText(string text, string sourceName, string id, string directory, List<PolicyError> errors, string? referencedAt = null)
    {
        if (_chain.Contains(id, StringComparer.Ordinal))
        {
            string cycle = string.Join(" -> ", _chain.SkipWhile(c => c != id).Append(id).Select(Short));
            errors.Add(new PolicyError("extends", $"extends cycle: {cycle}; a policy cannot extend itself", referencedAt));
            return null;
        }

        if (_chain.Count >= MaxDepth)
        {
            errors.Add(new PolicyError("extends", $"extends chain deeper than {MaxDepth}: {string.Join(" -> ", _chain.Select(Short))}", referencedAt));
            return null;
        }

        TomlTableNode? root = TomlTreeBuilder.Parse(text, sourceName, errors);
        if (root is null) return null;

        _chain.Add(id);
        try
        {
            SandboxPolicy basis = SandboxPolicy.Default;
            bool basisOk = true;
            if (root.Find("extends") is { } extends)
            {
                if (extends.Value is TomlScalar { Value: string reference } && reference.Length > 0)
                {
                    SandboxPolicy? parent = ReadReference(reference, directory, errors, "extends", extends.Value.At.ToString());
                    if (parent is null) basisOk = false;
                    else basis = parent;
                }
                else
                {
                    errors.Add(new PolicyError("extends", $"expected a profile name ({string.Join(", ", BuiltInProfiles.Names)}) or a policy file path in quotes; got {extends.Value.Describe()}", extends.Value.At.ToString()));
                    basisOk = false;
                }
            }

            // Even when the basis failed, check this document against the default so every error is reported at once.
            SandboxPolicy? policy = DocumentReader.Apply(root, basis, baseDirectory, errors);
            return basisOk ? policy : null;
        }
        finally
        {
            _chain.RemoveAt(_chain.Count - 1);
        }
    }

    /// <summary>Lexically beneath <paramref name="directory"/>; with no links followed when opening, that is where it is.</summary>
    private static bool IsBeneath(string fullPath, string directory)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + "/";
        return fullPath.StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>Paths under the base directory are shown relative to it, as the user typed them.</summary>
    private string DisplayName(string fullPath)
    {
        string relative = Path.GetRelativePath(baseDirectory, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }

    private string Short(string id) => id.StartsWith("profile:", StringComparison.Ordinal) ? id : DisplayName(id);
}
