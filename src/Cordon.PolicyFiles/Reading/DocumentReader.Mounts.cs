using System.Globalization;
using Cordon.PolicyFiles.Toml;

namespace Cordon.PolicyFiles.Reading;

internal sealed partial class DocumentReader
{
    private void ReadMounts(TomlEntry entry)
    {
        if (entry.Value is not TomlArrayNode array)
        {
            Error("mounts", $"expected an array of tables ([[mounts]] sections); got {entry.Value.Describe()}", entry.Value.At);
            return;
        }

        for (int i = 0; i < array.Items.Count; i++)
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"mounts[{i}]");
            if (array.Items[i] is not TomlTableNode mount)
            {
                Error(key, $"expected a table with type, host and guest; got {array.Items[i].Describe()}", array.Items[i].At);
                continue;
            }

            ReadMount(mount, key, i);
        }
    }

    private void ReadMount(TomlTableNode mount, string key, int index)
    {
        _locations[key] = mount.At;
        string? type = null, host = null, guest = null;
        long? size = null;
        bool ok = true;
        TomlEntry? sizeEntry = null, hostEntry = null;
        foreach (TomlEntry item in mount.Entries)
        {
            string itemKey = $"{key}.{item.Key}";
            switch (item.Key)
            {
                case "type":
                    type = ReadChoice(item, itemKey, ["ro", "rw", "tmpfs", "file"]);
                    ok &= type is not null;
                    break;
                case "host":
                    hostEntry = item;
                    host = ReadString(item, itemKey);
                    ok &= host is not null;
                    break;
                case "guest":
                    guest = ReadString(item, itemKey);
                    ok &= guest is not null;
                    break;
                case "size":
                    sizeEntry = item;
                    _locations[itemKey] = item.Value.At;
                    ok &= Size(item, itemKey, out size);
                    break;
                default:
                    Error(itemKey, PolicySchema.UnknownKey(item.Key, "mounts", PolicySchema.Mount), item.KeyAt);
                    ok = false;
                    break;
            }
        }

        if (mount.Find("type") is null)
        {
            Error($"{key}.type", "a mount needs type = \"ro\", \"rw\", \"tmpfs\" or \"file\"", mount.At);
            return;
        }

        if (!ok || type is null) return;
        if (type != "tmpfs" && sizeEntry is not null)
        {
            Error($"{key}.size", $"size applies only to type = \"tmpfs\"; a {type} mount has the size of what it binds", sizeEntry.KeyAt);
            return;
        }

        string source = (_locations.TryGetValue($"{key}.guest", out SourceLocation g) ? g : mount.At).ToString();
        switch (type)
        {
            case "tmpfs":
                if (hostEntry is not null)
                {
                    Error($"{key}.host", "a tmpfs mount has no host path; it is a private, empty, size-capped directory", hostEntry.KeyAt);
                    return;
                }

                if (guest is null)
                {
                    Error($"{key}.guest", "a tmpfs mount needs guest = \"/absolute/path\"", mount.At);
                    return;
                }

                _builder.MountTmpfs(guest, size, source);
                _addedMounts.Add(index);
                break;
            case "file":
                if (host is null || guest is null)
                {
                    Error(host is null ? $"{key}.host" : $"{key}.guest", "a file mount needs host (the file to copy) and guest (where the copy appears)", mount.At);
                    return;
                }

                _builder.CopyFile(guest, HostPath(host), source);
                _addedMounts.Add(index);
                break;
            default:
                if (host is null)
                {
                    Error($"{key}.host", $"a {type} mount needs host = \"/path\" (guest defaults to the same path)", mount.At);
                    return;
                }

                string hostPath = HostPath(host);
                if (type == "ro") _builder.MountReadOnly(hostPath, guest ?? hostPath, source);
                else _builder.MountReadWrite(hostPath, guest ?? hostPath, source);
                _addedMounts.Add(index);
                break;
        }
    }
}
