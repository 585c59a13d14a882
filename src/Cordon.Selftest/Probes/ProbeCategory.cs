namespace Cordon.Selftest.Probes;

/// <summary>The attack classes of the suite (see docs/selftest.md), plus the positive controls that run first.</summary>
public enum ProbeCategory
{
    /// <summary>Positive controls: trivial programs that must succeed, so a broken sandbox cannot pass by failing everything.</summary>
    Control,

    /// <summary>Host files, mounts, devices, /proc and /sys.</summary>
    Filesystem,

    /// <summary>The internet, host loopback services, unix sockets, raw and rare socket families.</summary>
    Network,

    /// <summary>Host processes, signals, ptrace, terminals, privileges, processes that outlive the run.</summary>
    Process,

    /// <summary>Kernel interfaces the seccomp allowlist refuses, and foreign syscall ABIs.</summary>
    Syscall,

    /// <summary>Fork, thread, memory, CPU, descriptor, file-size, stack and disk bombs.</summary>
    Resources,

    /// <summary>Output that floods, deadlocks or attacks whoever displays it.</summary>
    BoundaryOutput,

    /// <summary>Information about the host that the sandbox should not reveal.</summary>
    InfoLeak,
}

/// <summary>The command-line names of <see cref="ProbeCategory"/> (<c>boundary-output</c>, <c>info-leak</c>...).</summary>
public static class ProbeCategories
{
    private static readonly (ProbeCategory Category, string Name)[] Names =
    [
        (ProbeCategory.Control, "control"), (ProbeCategory.Filesystem, "filesystem"), (ProbeCategory.Network, "network"),
        (ProbeCategory.Process, "process"), (ProbeCategory.Syscall, "syscall"), (ProbeCategory.Resources, "resources"),
        (ProbeCategory.BoundaryOutput, "boundary-output"), (ProbeCategory.InfoLeak, "info-leak"),
    ];

    /// <summary>Every category name, in suite order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The command-line name of <paramref name="category"/>.</summary>
    public static string Name(ProbeCategory category) => Names.First(n => n.Category == category).Name;

    /// <summary>Parses a command-line name (case-insensitive).</summary>
    public static bool TryParse(string name, out ProbeCategory category)
    {
        foreach (var (c, n) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                category = c;
                return true;
            }
        }

        category = default;
        return false;
    }
}
