using System.Collections.Immutable;
using System.Globalization;
using Cordon.Errors;
using Cordon.Mcp;
using Cordon.Policy;
using Cordon.PolicyFiles;
using Cordon.Units;

namespace Cordon.Service.Mcp;

/// <summary>
/// The <c>--mcp-*</c> options of <c>cordon serve</c>: the ceiling policy of every <c>/mcp</c> call (as
/// <c>cordon mcp --policy</c>), and the sessions each API key may hold.
/// </summary>
internal sealed class McpEndpointOptions
{
    public SandboxPolicy Ceiling { get; private set; } = SandboxPolicy.Default;

    public string CeilingName { get; private set; } = ServerConfiguration.DefaultProfile;

    public int SessionsPerKey { get; private set; } = 8;

    public TimeSpan SessionIdle { get; private set; } = TimeSpan.FromMinutes(10);

    /// <summary>The process tier's host uids (<c>CORDON_RUN_UIDS</c>, as for every cordon command).</summary>
    public Cordon.Backends.Process.Identity.HostIdentityRange RunIdentities { get; private set; } = Cordon.Backends.Process.Identity.HostIdentityRange.Default;

    private bool _ceilingLoaded;

    /// <summary>Whether <paramref name="option"/> is one of these options.</summary>
    public static bool Owns(string option) => option is "--mcp-policy" or "--mcp-sessions" or "--mcp-session-idle";

    /// <summary>Applies one option; null when it is fine, otherwise what is wrong with it.</summary>
    public string? Set(string option, string value)
    {
        switch (option)
        {
            case "--mcp-policy":
                return LoadCeiling(value);
            case "--mcp-sessions" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is > 0 and <= 1024:
                SessionsPerKey = n;
                return null;
            case "--mcp-session-idle" when DurationText.TryParse(value, out TimeSpan idle, out _) && idle > TimeSpan.Zero:
                SessionIdle = idle;
                return null;
            default:
                return $"{option} '{value}' is not valid: --mcp-sessions takes 1 to 1024, --mcp-session-idle a duration such as 10m";
        }
    }

    /// <summary>Loads the default ceiling when no <c>--mcp-policy</c> was given, and <c>CORDON_RUN_UIDS</c>; null, or what is wrong.</summary>
    public string? Finish()
    {
        try
        {
            RunIdentities = ServerConfiguration.RunIdentitiesFromEnvironment();
        }
        catch (FormatException e)
        {
            return e.Message;
        }

        return _ceilingLoaded ? null : LoadCeiling(ServerConfiguration.DefaultProfile);
    }

    private string? LoadCeiling(string reference)
    {
        if (!PolicyFile.TryLoadReference(reference, out SandboxPolicy? ceiling, out ImmutableArray<PolicyError> errors))
            return $"--mcp-policy {reference}: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Message}"));
        Ceiling = ceiling;
        CeilingName = reference;
        _ceilingLoaded = true;
        return null;
    }
}
