using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;
using Cordon.PolicyFiles.Toml;

namespace Cordon.PolicyFiles.Reading;

internal sealed partial class DocumentReader
{
    private void ReadSyscalls(TomlEntry entry)
    {
        TomlEntry? profile = null, allow = null, deny = null;
        foreach (TomlEntry item in Table(entry, "syscalls", PolicySchema.Syscalls))
        {
            switch (item.Key)
            {
                case "profile": profile = item; break;
                case "allow": allow = item; break;
                case "deny": deny = item; break;
                case "on_violation":
                    switch (ReadChoice(item, "syscalls.on_violation", ["errno", "kill"]))
                    {
                        case "errno": _builder.WithViolationAction(ViolationAction.Errno); break;
                        case "kill": _builder.WithViolationAction(ViolationAction.Kill); break;
                    }

                    break;
            }
        }

        string? chosen = profile is null ? null : ReadChoice(profile, "syscalls.profile", ["default", "strict", "custom"]);
        if (profile is not null && chosen is null) return;
        if (allow is not null && deny is not null)
        {
            Error("syscalls.deny", "use either allow (an allowlist) or deny (everything else is allowed), not both", deny.KeyAt);
            return;
        }

        TomlEntry? list = allow ?? deny;
        if (list is not null && chosen is "default" or "strict")
        {
            Error($"syscalls.{list.Key}", $"a syscall list needs profile = \"custom\" (or no profile key); profile \"{chosen}\" has its own fixed list", list.KeyAt);
            return;
        }

        _locations["syscalls.allow"] = (list ?? profile)?.Value.At ?? entry.Value.At;
        switch (chosen)
        {
            case "default": _builder.WithSyscallProfile(SyscallProfile.Default); return;
            case "strict": _builder.WithSyscallProfile(SyscallProfile.Strict); return;
        }

        if (list is null)
        {
            // profile = "custom" alone keeps an inherited custom list; on its own the builder reports the empty list.
            if (chosen == "custom") _builder.WithSyscallProfile(SyscallProfile.Custom);
            return;
        }

        List<string>? names = SyscallNames(list);
        if (names is null) return;
        _builder.WithCustomSyscalls(list == allow ? names : X64SyscallTable.Names.Except(names, StringComparer.Ordinal));
    }

    /// <summary>The names of an allow/deny array, each checked against the x86-64 table with its own location; null when any is wrong.</summary>
    private List<string>? SyscallNames(TomlEntry list)
    {
        string key = "syscalls." + list.Key;
        if (list.Value is not TomlArrayNode array)
        {
            Error(key, $"expected an array of syscall names, e.g. [\"read\", \"write\"]; got {list.Value.Describe()}", list.Value.At);
            return null;
        }

        List<string> names = [];
        bool ok = true;
        for (int i = 0; i < array.Items.Count; i++)
        {
            TomlNode item = array.Items[i];
            if (item is TomlScalar { Value: string name } && X64SyscallTable.IsKnown(name))
            {
                names.Add(name);
                continue;
            }

            ok = false;
            string problem = item is TomlScalar { Value: string unknown }
                ? $"unknown syscall name '{unknown}' (names are x86-64 syscall names, e.g. \"read\", \"openat\")"
                : $"expected a syscall name in quotes; got {item.Describe()}";
            Error($"{key}[{i}]", problem, item.At);
        }

        if (ok && list.Key == "allow" && names.Count == 0)
        {
            Error(key, "a custom allowlist needs at least one syscall name", list.Value.At);
            ok = false;
        }

        return ok ? names : null;
    }
}
