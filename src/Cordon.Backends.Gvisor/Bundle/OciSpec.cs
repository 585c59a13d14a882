using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Cordon.Backends.Gvisor.Bundle;

/// <summary>The part of the OCI runtime specification (config.json) this tier writes; runsc reads it from the bundle.</summary>
internal sealed record OciSpec(
    string OciVersion,
    OciProcess Process,
    OciRoot Root,
    string Hostname,
    ImmutableArray<OciMount> Mounts,
    OciLinux Linux);

/// <summary>The guest process: argv, environment, identity, rlimits, and no capabilities at all.</summary>
internal sealed record OciProcess(
    bool Terminal,
    OciUser User,
    ImmutableArray<string> Args,
    ImmutableArray<string> Env,
    string Cwd,
    OciCapabilities Capabilities,
    ImmutableArray<OciRlimit> Rlimits,
    bool NoNewPrivileges);

/// <summary>The guest's uid and gid inside the Sentry.</summary>
internal sealed record OciUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids);

/// <summary>Every capability set, each empty.</summary>
internal sealed record OciCapabilities(
    ImmutableArray<string> Bounding,
    ImmutableArray<string> Effective,
    ImmutableArray<string> Inheritable,
    ImmutableArray<string> Permitted,
    ImmutableArray<string> Ambient)
{
    public static OciCapabilities None { get; } = new([], [], [], [], []);
}

/// <summary>One rlimit (<c>RLIMIT_NOFILE</c>), enforced by the Sentry for the guest's tasks.</summary>
internal sealed record OciRlimit(string Type, ulong Hard, ulong Soft);

/// <summary>The root filesystem: a host directory, read-only.</summary>
internal sealed record OciRoot(string Path, bool Readonly);

/// <summary>One mount; <c>bind</c> mounts are served to the Sentry by runsc's gofer.</summary>
internal sealed record OciMount(
    string Destination,
    string Type,
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ImmutableArray<string> Options = default);

/// <summary>The namespaces the sandbox gets (the Sentry implements them itself).</summary>
internal sealed record OciLinux(ImmutableArray<OciNamespace> Namespaces);

/// <summary>One namespace by type (<c>pid</c>, <c>network</c>, ...).</summary>
internal sealed record OciNamespace(string Type);
