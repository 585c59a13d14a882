using Cordon.Policy;
using Cordon.PolicyFiles.Toml;
using Cordon.Units;

namespace Cordon.PolicyFiles.Reading;

internal sealed partial class DocumentReader
{
    private const string Unlimited = "none";

    private void ReadLimits(TomlEntry entry)
    {
        foreach (TomlEntry item in Table(entry, "limits", PolicySchema.Limits))
        {
            string key = "limits." + item.Key;
            _locations[key] = item.Value.At;
            switch (item.Key)
            {
                case "time": if (Duration(item, key, out TimeSpan? time)) _builder.WithWallTime(time); break;
                case "cpu": if (Duration(item, key, out TimeSpan? cpu)) _builder.WithCpuTime(cpu); break;
                case "memory": if (Size(item, key, out long? memory)) _builder.WithMemory(memory); break;
                case "output": if (Size(item, key, out long? output)) _builder.WithMaxOutput(output); break;
                case "fsize": if (Size(item, key, out long? fsize)) _builder.WithFileSize(fsize); break;
                case "tmp_size": if (Size(item, key, out long? tmp)) _builder.WithTmpfsSize(tmp); break;
                case "stack": if (Size(item, key, out long? stack)) _builder.WithStack(stack); break;
                case "disk": if (Size(item, key, out long? disk)) _builder.WithDiskBudget(disk); break;
                case "disk_inodes": if (Count(item, key, out int? inodes)) _builder.WithDiskInodes(inodes); break;
                case "pids": if (Count(item, key, out int? pids)) _builder.WithMaxProcesses(pids); break;
                case "nofile": if (Count(item, key, out int? nofile)) _builder.WithOpenFiles(nofile); break;
                case "output_action":
                    switch (ReadChoice(item, key, ["truncate", "kill"]))
                    {
                        case "truncate": _builder.WithOutputAction(OutputAction.Truncate); break;
                        case "kill": _builder.WithOutputAction(OutputAction.Kill); break;
                    }

                    break;
            }
        }
    }

    /// <summary>A duration: "500ms", "2s", "1.5m", "1h", a whole number of seconds, or "none" for unlimited.</summary>
    private bool Duration(TomlEntry item, string key, out TimeSpan? value)
    {
        value = null;
        const string Allowed = "a duration such as \"500ms\", \"10s\", \"1.5m\" or \"1h\" (a bare integer is seconds), or \"none\" for unlimited";
        switch (item.Value)
        {
            case TomlScalar { Value: Unlimited }:
                return true;
            case TomlScalar { Value: string text }:
                if (DurationText.TryParse(text, out TimeSpan parsed, out string error))
                {
                    value = parsed;
                    return true;
                }

                Error(key, $"{error}; allowed: {Allowed}", item.Value.At);
                return false;
            case TomlScalar { Value: long seconds }:
                if (seconds is > 0 and <= 7 * 24 * 3600)
                {
                    value = TimeSpan.FromSeconds(seconds);
                    return true;
                }

                Error(key, $"{seconds} seconds is out of range; allowed 1 to 604800 (7 days), or \"none\" for unlimited", item.Value.At);
                return false;
            default:
                Error(key, $"expected {Allowed}; got {item.Value.Describe()}", item.Value.At);
                return false;
        }
    }

    /// <summary>A size: "512K", "64M", "1G" (binary units), a whole number of bytes, or "none" for unlimited.</summary>
    private bool Size(TomlEntry item, string key, out long? value)
    {
        value = null;
        const string Allowed = "a size such as \"512K\", \"64M\" or \"1G\" (binary units; a bare integer is bytes), or \"none\" for unlimited";
        switch (item.Value)
        {
            case TomlScalar { Value: Unlimited }:
                return true;
            case TomlScalar { Value: string text }:
                if (ByteSize.TryParse(text, out long parsed, out string error))
                {
                    value = parsed;
                    return true;
                }

                Error(key, $"{error}; allowed: {Allowed}", item.Value.At);
                return false;
            case TomlScalar { Value: long bytes }:
                if (bytes > 0)
                {
                    value = bytes;
                    return true;
                }

                Error(key, $"{bytes} bytes must be greater than zero; allowed: {Allowed}", item.Value.At);
                return false;
            default:
                Error(key, $"expected {Allowed}; got {item.Value.Describe()}", item.Value.At);
                return false;
        }
    }

    /// <summary>A positive whole number, or "none" for unlimited.</summary>
    private bool Count(TomlEntry item, string key, out int? value)
    {
        value = null;
        switch (item.Value)
        {
            case TomlScalar { Value: Unlimited }:
                return true;
            case TomlScalar { Value: long n } when n is > 0 and <= int.MaxValue:
                value = (int)n;
                return true;
            default:
                Error(key, $"expected a positive whole number (no quotes), or \"none\" for unlimited; got {item.Value.Describe()}", item.Value.At);
                return false;
        }
    }
}
