namespace Cordon.PolicyFiles.Reading;

/// <summary>Every key a policy file may contain, per table; anything else is an error, so a typo never opens or closes a door silently.</summary>
internal static class PolicySchema
{
    public static readonly string[] Root =
        ["description", "extends", "system_dirs", "rootfs", "workdir", "network", "network_allow", "guest_root", "env", "limits", "syscalls", "require", "dangerous", "mounts"];

    public static readonly string[] Limits =
        ["time", "cpu", "memory", "pids", "output", "output_action", "fsize", "tmp_size", "nofile", "stack", "disk", "disk_inodes"];

    public static readonly string[] Syscalls = ["profile", "allow", "deny", "on_violation"];

    public static readonly string[] Require = ["cgroups", "landlock"];

    public static readonly string[] Dangerous = ["host_network"];

    public static readonly string[] Mount = ["type", "host", "guest", "size"];

    /// <summary>Every key as a dotted path (<c>limits.memory</c>, <c>syscalls.allow</c>); tables whose keys are free (env) or repeated (mounts) by their name.</summary>
    public static IEnumerable<string> DottedKeys()
    {
        foreach (string key in Root)
        {
            string[]? table = key switch
            {
                "limits" => Limits,
                "syscalls" => Syscalls,
                "require" => Require,
                "dangerous" => Dangerous,
                _ => null,
            };
            if (table is null) yield return key;
            else foreach (string inner in table) yield return $"{key}.{inner}";
        }
    }

    /// <summary>"unknown key ..." with the allowed keys and, for a likely typo, the key that was probably meant.</summary>
    public static string UnknownKey(string key, string table, string[] allowed)
    {
        string where = table.Length == 0 ? "at the top level" : $"in [{table}]";
        string? guess = allowed.Where(a => Distance(a, key) <= Math.Max(1, a.Length / 3)).OrderBy(a => Distance(a, key)).FirstOrDefault();
        string hint = guess is null ? "" : $" (did you mean '{guess}'?)";
        return $"unknown key '{key}' {where}{hint}; allowed: {string.Join(", ", allowed)}";
    }

    /// <summary>Edit distance counting a swap of two neighbours as one edit (optimal string alignment), for typo suggestions.</summary>
    internal static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
