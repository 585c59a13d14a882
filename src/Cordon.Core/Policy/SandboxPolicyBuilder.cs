using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy.Dangerous;

namespace Cordon.Policy;

/// <summary>Builds a <see cref="SandboxPolicy"/>: starts fully closed, each call opens one door, <see cref="Build"/> validates everything at once.</summary>
/// <example>
/// <code>
/// SandboxPolicy policy = new SandboxPolicyBuilder()
///     .WithWallTime(TimeSpan.FromSeconds(5))
///     .WithMemory(128 * ByteSize.MiB)
///     .MountReadOnly("/srv/data/input.csv", "/input.csv")
///     .Build();
/// </code>
/// </example>
public sealed partial class SandboxPolicyBuilder
{
    private readonly List<(MountSpec Mount, string? Source)> _mounts = [];
    private readonly SortedDictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly List<PolicyError> _deferredErrors = [];
    private string? _workDirectoryHostPath;
    private FilesystemRoot _root = FilesystemRoot.HostSystem;
    private NetworkMode _network = NetworkMode.None;
    private readonly List<NetworkDestination> _allowedDestinations = [];
    private bool _hostNetworkAllowed;
    private SyscallProfile _syscallProfile = SyscallProfile.Default;
    private ImmutableArray<string> _customSyscalls = [];
    private ViolationAction _onViolation = ViolationAction.Errno;
    private bool _guestIsRoot;
    private bool _requireCgroups;
    private bool _requireLandlock;

    /// <summary>Starts from the fully closed default policy.</summary>
    public SandboxPolicyBuilder() => SetLimits(ResourceLimits.Default);

    /// <summary>Starts from an existing policy, to tighten or extend it (e.g. command-line overrides of a policy file).</summary>
    public SandboxPolicyBuilder(SandboxPolicy basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        SetLimits(basis.Limits);
        foreach (MountSpec mount in basis.Mounts) _mounts.Add((mount, null));
        foreach ((string key, string value) in basis.Environment) _environment[key] = value;
        _workDirectoryHostPath = basis.WorkDirectoryHostPath;
        _root = basis.Root;
        _network = basis.Network.Mode;
        _allowedDestinations.AddRange(basis.Network.Allowed);
        _hostNetworkAllowed = basis.Network.Mode == NetworkMode.Host;
        _syscallProfile = basis.Syscalls.Profile;
        _customSyscalls = basis.Syscalls.AllowedSyscalls;
        _onViolation = basis.Syscalls.OnViolation;
        _guestIsRoot = basis.GuestIsRoot;
        _requireCgroups = basis.RequireCgroups;
        _requireLandlock = basis.RequireLandlock;
    }

    /// <summary>Sets the network mode. <see cref="NetworkMode.Host"/> also needs <see cref="Allow(HostNetworkAccess)"/>.</summary>
    public SandboxPolicyBuilder WithNetwork(NetworkMode network)
    {
        _network = network;
        return this;
    }

    /// <summary>
    /// Adds a destination to the network allowlist (see <see cref="NetworkPolicy.Allowed"/>). A tier that cannot enforce
    /// an allowlist refuses the policy rather than run it with more or less network than written.
    /// </summary>
    public SandboxPolicyBuilder AllowNetworkTo(NetworkDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!_allowedDestinations.Contains(destination)) _allowedDestinations.Add(destination);
        return this;
    }

    /// <summary>Acknowledges that <see cref="NetworkMode.Host"/> exposes every host loopback service.</summary>
    public SandboxPolicyBuilder Allow(HostNetworkAccess token)
    {
        ArgumentNullException.ThrowIfNull(token);
        _hostNetworkAllowed = true;
        return this;
    }

    /// <summary>Sets one environment variable for the guest (the host environment is never inherited).</summary>
    public SandboxPolicyBuilder SetEnvironment(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>Chooses a built-in syscall profile.</summary>
    public SandboxPolicyBuilder WithSyscallProfile(SyscallProfile profile)
    {
        _syscallProfile = profile;
        return this;
    }

    /// <summary>
    /// Uses exactly these syscall names as the allowlist. The names are data here: the tier that enforces them checks them
    /// against its own table (the process tier refuses an unknown name before anything starts).
    /// </summary>
    public SandboxPolicyBuilder WithCustomSyscalls(IEnumerable<string> names)
    {
        _syscallProfile = SyscallProfile.Custom;
        _customSyscalls = [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return this;
    }

    /// <summary>Chooses what a refused syscall does.</summary>
    public SandboxPolicyBuilder WithViolationAction(ViolationAction action)
    {
        _onViolation = action;
        return this;
    }

    /// <summary>Makes the guest uid 0 inside its own user namespace. It still has no capabilities and no host privilege.</summary>
    public SandboxPolicyBuilder WithGuestRoot(bool guestIsRoot = true)
    {
        _guestIsRoot = guestIsRoot;
        return this;
    }

    /// <summary>Refuse to run without cgroup limits instead of degrading to rlimits.</summary>
    public SandboxPolicyBuilder RequireCgroups(bool required = true)
    {
        _requireCgroups = required;
        return this;
    }

    /// <summary>Refuse to run without Landlock instead of warning.</summary>
    public SandboxPolicyBuilder RequireLandlock(bool required = true)
    {
        _requireLandlock = required;
        return this;
    }

    /// <summary>Validates the whole policy and returns it.</summary>
    /// <exception cref="PolicyValidationException">Listing every problem found.</exception>
    public SandboxPolicy Build()
        => TryBuild(out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors) ? policy : throw new PolicyValidationException(errors);

    /// <summary>Validates the whole policy; on failure returns every problem found.</summary>
    public bool TryBuild([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors)
    {
        List<PolicyError> problems = [.. _deferredErrors];
        ValidateLimits(problems);
        ValidateFilesystem(problems);
        ValidateEnvironment(problems);

        if (_network == NetworkMode.Host && !_hostNetworkAllowed)
        {
            problems.Add(new("network", "host networking needs the explicit HostNetworkAccess token (Allow(HostNetworkAccess.Instance)); use Loopback for a private loopback"));
        }

        if (_network == NetworkMode.Host && _allowedDestinations.Count > 0)
        {
            problems.Add(new("network.allow", "an allowlist narrows a private network (none or loopback); the host network already reaches everything"));
        }

        if (_syscallProfile == SyscallProfile.Custom)
        {
            if (_customSyscalls.IsEmpty)
            {
                problems.Add(new("syscalls.allow", "a custom profile needs at least one syscall name"));
            }
        }

        if (problems.Count > 0)
        {
            policy = null;
            errors = [.. problems];
            return false;
        }

        policy = new SandboxPolicy(BuildLimits(), [.. _mounts.Select(m => m.Mount)], _workDirectoryHostPath,
            _root, NetworkPolicy.Of(_network).WithAllowed(_allowedDestinations), _environment.ToImmutableSortedDictionary(StringComparer.Ordinal),
            new SyscallPolicy(_syscallProfile, _syscallProfile == SyscallProfile.Custom ? _customSyscalls : [], _onViolation),
            _guestIsRoot, _requireCgroups, _requireLandlock);
        errors = [];
        return true;
    }

    private void ValidateEnvironment(List<PolicyError> problems)
    {
        foreach ((string name, string value) in _environment)
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0'))
            {
                problems.Add(new($"env.{name}", "a variable name must be non-empty and contain neither '=' nor NUL"));
            }

            if (value.Contains('\0'))
            {
                problems.Add(new($"env.{name}", "a value cannot contain NUL"));
            }
        }
    }
}
