using System.Collections.Immutable;
using System.Globalization;
using Cordon.Errors;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.PolicyFiles.Toml;

namespace Cordon.PolicyFiles.Reading;

/// <summary>
/// Applies one policy document (already parsed) on top of a basis policy, collecting every problem with its location.
/// One instance per document.
/// </summary>
internal sealed partial class DocumentReader
{
    private readonly SandboxPolicyBuilder _builder;
    private readonly List<PolicyError> _errors;
    private readonly string _baseDirectory;
    private readonly int _baseMountCount;

    /// <summary>For each mount this document handed to the builder, in order: its index in the document's mounts array.</summary>
    private readonly List<int> _addedMounts = [];

    /// <summary>Where each key this document sets was written, by the builder's key names (<c>limits.memory</c>, <c>mounts[0].guest</c>).</summary>
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);

    private DocumentReader(SandboxPolicy basis, string baseDirectory, List<PolicyError> errors)
    {
        _builder = new SandboxPolicyBuilder(basis);
        _baseMountCount = basis.Mounts.Length;
        _baseDirectory = baseDirectory;
        _errors = errors;
    }

    /// <summary>Applies <paramref name="root"/> (minus <c>extends</c>, which the caller resolved into <paramref name="basis"/>) and validates the result.</summary>
    public static SandboxPolicy? Apply(TomlTableNode root, SandboxPolicy basis, string baseDirectory, List<PolicyError> errors)
    {
        var reader = new DocumentReader(basis, baseDirectory, errors);
        int before = errors.Count;
        reader.ApplyRoot(root);
        bool ok = reader._builder.TryBuild(out SandboxPolicy? policy, out ImmutableArray<PolicyError> problems);
        foreach (PolicyError problem in problems) errors.Add(reader.Locate(problem));
        return ok && errors.Count == before ? policy : null;
    }

    private void ApplyRoot(TomlTableNode root)
    {
        bool hostNetworkAcknowledged = false;
        TomlEntry? network = null;
        if (root.Entries.FirstOrDefault(e => e.Key == "rootfs") is { } rootfs && root.Entries.Any(e => e.Key == "system_dirs"))
            Error("rootfs", "rootfs replaces the host's system directories; drop system_dirs from this file", rootfs.KeyAt);
        foreach (TomlEntry entry in root.Entries)
        {
            switch (entry.Key)
            {
                case "description": ReadString(entry, entry.Key); break;
                case "extends": break; // resolved by the caller before the basis existed
                case "system_dirs":
                    if (ReadBool(entry, entry.Key) is { } mount) _builder.WithSystemDirectories(mount);
                    break;
                case "guest_root":
                    if (ReadBool(entry, entry.Key) is { } root0) _builder.WithGuestRoot(root0);
                    break;
                case "workdir": ReadWorkDirectory(entry); break;
                case "rootfs": ReadRootfs(entry); break;
                case "network": network = entry; break;
                case "network_allow": ReadNetworkAllowlist(entry); break;
                case "env": ReadEnvironment(entry); break;
                case "limits": ReadLimits(entry); break;
                case "syscalls": ReadSyscalls(entry); break;
                case "mounts": ReadMounts(entry); break;
                case "require":
                    foreach (TomlEntry item in Table(entry, "require", PolicySchema.Require))
                    {
                        bool? value = ReadBool(item, "require." + item.Key);
                        if (value is null) continue;
                        if (item.Key == "cgroups") _builder.RequireCgroups(value.Value);
                        else _builder.RequireLandlock(value.Value);
                    }

                    break;
                case "dangerous":
                    foreach (TomlEntry item in Table(entry, "dangerous", PolicySchema.Dangerous))
                    {
                        if (ReadBool(item, "dangerous." + item.Key) == true)
                        {
                            hostNetworkAcknowledged = true;
                            _builder.Allow(HostNetworkAccess.Instance);
                        }
                    }

                    break;
                default:
                    Error(entry.Key, PolicySchema.UnknownKey(entry.Key, "", PolicySchema.Root), entry.KeyAt);
                    break;
            }
        }

        // Read last so that [dangerous] may come after it in the file.
        if (network is not null) ReadNetwork(network, hostNetworkAcknowledged);
    }

    private void ReadNetwork(TomlEntry entry, bool acknowledged)
    {
        switch (ReadChoice(entry, "network", ["none", "loopback", "host"]))
        {
            case "none": _builder.WithNetwork(NetworkMode.None); break;
            case "loopback": _builder.WithNetwork(NetworkMode.Loopback); break;
            case "host" when acknowledged: _builder.WithNetwork(NetworkMode.Host); break;
            case "host":
                Error("network", "network = \"host\" shares the host's network namespace (every host loopback service, every route out); "
                    + "it also needs host_network = true in a [dangerous] table. Use \"loopback\" for a private loopback", entry.Value.At);
                break;
        }
    }

    /// <summary><c>network_allow = ["pypi.org:443", "10.0.0.0/8:5432"]</c>: destinations beyond the network mode, each checked where it is written.</summary>
    private void ReadNetworkAllowlist(TomlEntry entry)
    {
        if (entry.Value is not TomlArrayNode array)
        {
            Error("network_allow", $"expected an array of destinations, e.g. [\"pypi.org:443\"]; got {entry.Value.Describe()}", entry.Value.At);
            return;
        }

        for (int i = 0; i < array.Items.Count; i++)
        {
            TomlNode item = array.Items[i];
            if (item is not TomlScalar { Value: string text })
            {
                Error($"network_allow[{i}]", $"expected a destination in quotes (HOST:PORT); got {item.Describe()}", item.At);
            }
            else if (NetworkDestination.TryParse(text, out NetworkDestination? destination, out string problem))
            {
                _builder.AllowNetworkTo(destination!);
            }
            else
            {
                Error($"network_allow[{i}]", problem, item.At);
            }
        }
    }

    /// <summary><c>rootfs = "DIR"</c>: an unpacked image root instead of the host's system directories (<c>cordon run --image</c> makes one from an OCI image).</summary>
    private void ReadRootfs(TomlEntry entry)
    {
        _locations["filesystem.root"] = entry.Value.At;
        if (entry.Value is TomlScalar { Value: string path } && path.Length > 0) _builder.WithRoot(FilesystemRoot.Image(HostPath(path)));
        else Error("rootfs", $"expected the host path of an unpacked root directory (absolute, or relative to the policy file); got {entry.Value.Describe()}", entry.Value.At);
    }

    private void ReadWorkDirectory(TomlEntry entry)
    {
        _locations["workdir"] = entry.Value.At;
        switch (entry.Value)
        {
            case TomlScalar { Value: false }: _builder.WithWorkDirectory(null); break;
            case TomlScalar { Value: string path } when path.Length > 0: _builder.WithWorkDirectory(HostPath(path)); break;
            default:
                Error("workdir", $"expected a host directory path (absolute, or relative to the current directory) or false for a private tmpfs; got {entry.Value.Describe()}", entry.Value.At);
                break;
        }
    }

    private void ReadEnvironment(TomlEntry entry)
    {
        foreach (TomlEntry item in Table(entry, "env", null))
        {
            string key = "env." + item.Key;
            if (ReadString(item, key) is { } value) _builder.SetEnvironment(item.Key, value);
        }
    }

    /// <summary>The entries of a table value, reporting keys outside <paramref name="allowed"/> (null: any key).</summary>
    private IEnumerable<TomlEntry> Table(TomlEntry entry, string name, string[]? allowed)
    {
        if (entry.Value is not TomlTableNode table)
        {
            Error(name, $"expected a table ([{name}] or {name} = {{ ... }}); got {entry.Value.Describe()}", entry.Value.At);
            yield break;
        }

        foreach (TomlEntry item in table.Entries)
        {
            if (allowed is not null && Array.IndexOf(allowed, item.Key) < 0)
            {
                Error($"{name}.{item.Key}", PolicySchema.UnknownKey(item.Key, name, allowed), item.KeyAt);
                continue;
            }

            yield return item;
        }
    }

    private string? ReadString(TomlEntry entry, string key)
    {
        _locations[key] = entry.Value.At;
        if (entry.Value is TomlScalar { Value: string s }) return s;
        Error(key, $"expected a string (in quotes); got {entry.Value.Describe()}", entry.Value.At);
        return null;
    }

    private bool? ReadBool(TomlEntry entry, string key)
    {
        _locations[key] = entry.Value.At;
        if (entry.Value is TomlScalar { Value: bool b }) return b;
        Error(key, $"expected true or false; got {entry.Value.Describe()}", entry.Value.At);
        return null;
    }

    private string? ReadChoice(TomlEntry entry, string key, string[] allowed)
    {
        _locations[key] = entry.Value.At;
        string choices = string.Join(", ", allowed.Select(a => $"\"{a}\""));
        if (entry.Value is TomlScalar { Value: string s })
        {
            if (Array.IndexOf(allowed, s) >= 0) return s;
            Error(key, $"'{s}' is not allowed; use one of {choices}", entry.Value.At);
            return null;
        }

        Error(key, $"expected one of {choices}; got {entry.Value.Describe()}", entry.Value.At);
        return null;
    }

    /// <summary>A host path: absolute, or relative to the base directory; normalised.</summary>
    private string HostPath(string path) => Path.GetFullPath(path, _baseDirectory);

    private void Error(string key, string message, SourceLocation at) => _errors.Add(new PolicyError(key, message, at.ToString()));

    /// <summary>Gives a builder error this document's key numbering and the location the key was written at.</summary>
    private PolicyError Locate(PolicyError problem)
    {
        string key = problem.Key;
        if (key.StartsWith("mounts[", StringComparison.Ordinal))
        {
            int close = key.IndexOf(']', StringComparison.Ordinal);
            if (close > 7 && int.TryParse(key.AsSpan(7, close - 7), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index >= _baseMountCount && index - _baseMountCount < _addedMounts.Count)
            {
                key = string.Create(CultureInfo.InvariantCulture, $"mounts[{_addedMounts[index - _baseMountCount]}]{key[(close + 1)..]}");
            }
        }

        SourceLocation? at = null;
        for (string probe = key; at is null && probe.Length > 0;)
        {
            if (_locations.TryGetValue(probe, out SourceLocation found)) at = found;
            int cut = Math.Max(probe.LastIndexOf('.'), probe.LastIndexOf('['));
            probe = cut > 0 ? probe[..cut] : "";
        }

        return problem with { Key = key, Source = at?.ToString() ?? problem.Source };
    }
}
