using System.Collections.Immutable;
using System.Text;
using Cordon.Tiers;

namespace Cordon.Cli.Commands;

/// <summary>One option of <c>cordon run</c>: the single source of <c>--help</c>, the man page, shell completions and the parser's checks.</summary>
/// <param name="Long">The long name, e.g. <c>--env</c>.</param>
/// <param name="Short">The short letter (<c>-e</c>), or null.</param>
/// <param name="Value">The value's placeholder (<c>NAME=VALUE</c>), or null for a flag.</param>
/// <param name="Help">One line of help.</param>
/// <param name="Section">The heading it is listed under.</param>
/// <param name="Repeatable">Whether giving it several times adds up (a mount, a variable) rather than being a conflict.</param>
/// <param name="Choices">The fixed values it takes, for completions.</param>
internal sealed record RunOption(string Long, char? Short, string? Value, string Help, string Section, bool Repeatable = false, ImmutableArray<string> Choices = default)
{
    /// <summary>The policy-file key the option sets (<c>limits.memory</c> for <c>--memory</c>), or null for a CLI-only option.</summary>
    public string? PolicyKey { get; init; }

    /// <summary>For an option a tier brings (<c>--fuel</c>): the tiers that take it; empty for Cordon's own options.</summary>
    public ImmutableArray<string> Tiers { get; init; } = [];

    public bool TakesValue => Value is not null;

    /// <summary>How it is written in help: <c>-e, --env NAME[=VALUE]</c>.</summary>
    public string Synopsis => (Short is { } s ? $"-{s}, " : "    ") + Long + (Value is null ? "" : " " + Value);
}

/// <summary>
/// Every option of <c>cordon run</c>, in help order: Cordon's own, then those the registered tiers bring (see
/// <see cref="CliTiers"/>), so a new tier needs no edit here.
/// </summary>
internal sealed class RunOptionTable
{
    public const string Policy = "Policy (loaded first; the options below override it)";
    public const string Doors = "Doors (all closed by default)";
    public const string Streams = "Streams, terminal and signals";
    public const string Limits = "Limits (none = unlimited; durations 500ms 2s 1.5m 1h; sizes 512K 64M 1G, binary units)";
    public const string Syscalls = "Syscalls";
    public const string Strictness = "Strictness";
    public const string TiersSection = "Tiers";
    public const string Output = "Output";

    /// <summary>Cordon's own options (the tiers' follow them).</summary>
    private static readonly ImmutableArray<RunOption> Common =
    [
        new("--policy", null, "FILE", "a policy file (TOML; see docs/policy-reference.md)", Policy),
        new("--profile", null, "NAME", "a built-in profile: minimal, shell, python, node, gcc (cordon profiles)", Policy),

        new("--ro", null, "HOST[:GUEST]", "bind a host path read-only (write \\: for a ':' in a path, \\\\ for '\\')", Doors, Repeatable: true) { PolicyKey = "mounts" },
        new("--rw", null, "HOST[:GUEST]", "bind a host path read-write", Doors, Repeatable: true) { PolicyKey = "mounts" },
        new("--volume", 'v', "HOST[:GUEST[:ro|rw]]", "bind a host path, read-only unless :rw is added", Doors, Repeatable: true) { PolicyKey = "mounts" },
        new("--tmpfs", null, "GUEST[:SIZE]", "add a private tmpfs", Doors, Repeatable: true) { PolicyKey = "mounts" },
        new("--file", null, "GUEST=HOST", "copy one host file in, read-only", Doors, Repeatable: true) { PolicyKey = "mounts" },
        new("--fd", null, "N|GUEST=HOST", "hand in a descriptor the caller passed to cordon (e.g. 3<file)", Doors, Repeatable: true),
        new("--workdir", 'w', "DIR", "bind DIR read-write at /work (default: a private tmpfs)", Doors) { PolicyKey = "workdir" },
        new("--chdir", null, "DIR", "the guest's working directory (default /work)", Doors),
        new("--net", null, "MODE", "network: none (default), loopback, host (loudly warned)", Doors, Choices: ["none", "loopback", "host"]) { PolicyKey = "network" },
        new("--allow-net", null, "CIDR[:PORTS]", "also reach this address or range (e.g. 10.1.0.0/16:5432, [2001:db8::1]:443; all ports when none given)", Doors, Repeatable: true) { PolicyKey = "network_allow" },
        new("--allow-host", null, "NAME[:PORTS]", "also reach this host name (e.g. pypi.org:443; all ports when none given)", Doors, Repeatable: true) { PolicyKey = "network_allow" },
        new("--env", 'e', "NAME[=VALUE]", "set a guest variable; NAME alone passes the caller's value", Doors, Repeatable: true) { PolicyKey = "env" },
        new("--env-file", null, "FILE", "NAME=VALUE lines (# comments; NAME alone passes the caller's value)", Doors, Repeatable: true) { PolicyKey = "env" },
        new("--guest-root", null, null, "appear as uid 0 inside (no capabilities)", Doors) { PolicyKey = "guest_root" },
        new("--no-system-dirs", null, null, "do not mount /usr, /lib, /bin and the minimal /etc", Doors) { PolicyKey = "system_dirs" },
        new("--over-system-dirs", null, null, "allow a mount at, above or below /usr, /bin, /sbin, /lib, /lib64 or /etc", Doors),
        new("--image", null, "PATH[:TAG]", "run in an OCI image's root (layout dir or oci-archive; verified, cached, read-only) instead of the system dirs; its Entrypoint+Cmd when no PROGRAM is given", Doors),
        new("--rootfs", null, "DIR", "run in an unpacked root directory, read-only, instead of the system dirs", Doors) { PolicyKey = "rootfs" },
        new("--image-env", null, null, "with --image: give the guest the image's Env too (the policy's variables win)", Doors),

        new("--stdin", null, "FILE|-", "feed the guest's stdin from a regular file or cordon's own stdin (default /dev/null)", Streams),
        new("--interactive", 'i', null, "stream cordon's stdin to the guest live (--stdin -)", Streams),
        new("--tty", 't', null, "give the guest a new pseudo-terminal (raw mode and window size passed through)", Streams),
        new("--kill-after", null, "D", "after a forwarded SIGINT/TERM/HUP/QUIT, kill the sandbox after D (2s)", Streams),

        new("--time", null, "D", "wall-clock limit (10s)", Limits) { PolicyKey = "limits.time" },
        new("--cpu", null, "D", "CPU-time limit (5s)", Limits) { PolicyKey = "limits.cpu" },
        new("--memory", null, "S", "memory limit (256M)", Limits) { PolicyKey = "limits.memory" },
        new("--pids", null, "N", "process limit (64)", Limits) { PolicyKey = "limits.pids" },
        new("--output", null, "S", "output kept per stream (1M)", Limits) { PolicyKey = "limits.output" },
        new("--output-action", null, "ACTION", "at the output limit: truncate (default) or kill", Limits, Choices: ["truncate", "kill"]) { PolicyKey = "limits.output_action" },
        new("--fsize", null, "S", "largest file the guest may write (16M)", Limits) { PolicyKey = "limits.fsize" },
        new("--tmp-size", null, "S", "size of each private tmpfs (64M)", Limits) { PolicyKey = "limits.tmp_size" },
        new("--nofile", null, "N", "open descriptors (256)", Limits) { PolicyKey = "limits.nofile" },
        new("--stack", null, "S", "stack size (8M)", Limits) { PolicyKey = "limits.stack" },
        new("--disk", null, "SIZE[:FILES]", "budget of each writable grant (1G:65536); as root the guest's writes land when the run ends", Limits) { PolicyKey = "limits.disk" },

        new("--syscalls", null, "PROFILE", "default or strict", Syscalls, Choices: ["default", "strict"]) { PolicyKey = "syscalls.profile" },
        new("--allow-syscalls", null, "a,b,c", "a custom allowlist instead of a profile", Syscalls) { PolicyKey = "syscalls.allow" },
        new("--on-violation", null, "ACTION", "a refused call fails with EPERM (errno) or kills the run (kill)", Syscalls, Choices: ["errno", "kill"]) { PolicyKey = "syscalls.on_violation" },

        new("--require-cgroups", null, null, "refuse to run without a per-run cgroup", Strictness) { PolicyKey = "require.cgroups" },
        new("--require-landlock", null, null, "refuse to run without Landlock", Strictness) { PolicyKey = "require.landlock" },


        new("--json", null, null, "print one JSON document (docs/json-schema.md) instead of the guest's output", Output),
        new("--status-fd", null, "N", "write the result document to descriptor N (passed to cordon) when the run ends; stdout and stderr carry only the guest's output", Output),
        new("--quiet", 'q', null, "no summary line", Output),
        new("--raw-output", null, null, "do not neutralise terminal escapes on a terminal", Output),
        new("--dry-run", null, null, "print the resolved policy and what would be executed, then exit 0", Output),
        new("--help", 'h', null, "this help", Output),
    ];

    private readonly Dictionary<string, RunOption> _byName;

    /// <summary>The table for the tiers of <paramref name="tiers"/>.</summary>
    public RunOptionTable(TierRegistry tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        Tiers = tiers;
        List<RunOption> all = [.. Common.TakeWhile(o => o.Section != Output)];
        all.Add(new("--tier", null, "TIER", string.Join("; ", tiers.All.Select((t, i) => $"{t.Name}{(i == 0 ? " (default)" : "")}: {t.Summary}")), TiersSection,
            Choices: [.. tiers.All.Select(t => t.Name)]));
        foreach (var group in tiers.All.SelectMany(t => t.Options.Select(o => (Tier: t.Name, Option: o))).GroupBy(p => p.Option.Long, StringComparer.Ordinal))
        {
            TierOption first = group.First().Option;
            ImmutableArray<string> names = [.. group.Select(p => p.Tier)];
            all.Add(new(first.Long, null, first.Value, $"{string.Join(", ", names)}: {first.Help}", TiersSection, Choices: first.Choices) { Tiers = names });
        }

        ImmutableArray<string> containable = [.. tiers.All.Where(t => t.Containment is not null).Select(t => t.Name)];
        if (!containable.IsEmpty)
            all.Add(new("--contain", null, null, $"{string.Join(", ", containable)}: run the tier's runner itself inside the process tier", TiersSection));
        all.AddRange(Common.SkipWhile(o => o.Section != Output));
        All = [.. all];
        _byName = All.SelectMany(o => o.Short is { } s ? new[] { (o.Long, o), ("-" + s, o) } : [(o.Long, o)])
            .ToDictionary(p => p.Item1, p => p.o, StringComparer.Ordinal);
    }

    /// <summary>The table of the CLI's own tiers.</summary>
    public static RunOptionTable Default { get; } = new(CliTiers.Registry);

    /// <summary>The tiers the table was built for.</summary>
    public TierRegistry Tiers { get; }

    /// <summary>Every option, in help order.</summary>
    public ImmutableArray<RunOption> All { get; }

    /// <summary>The option named <paramref name="name"/> (<c>--env</c> or <c>-e</c>), or null.</summary>
    public RunOption? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The text of <c>cordon run --help</c>.</summary>
    public string Usage()
    {
        var text = new StringBuilder("usage: cordon run [options] [--] PROGRAM [ARGS...]\n");
        int width = All.Max(o => o.Synopsis.Length) + 2;
        foreach (var section in All.GroupBy(o => o.Section))
        {
            text.Append('\n').Append(section.Key).Append(":\n");
            foreach (RunOption o in section) text.Append("  ").Append(o.Synopsis.PadRight(width)).Append(o.Help).Append('\n');
        }

        text.Append("\nExit codes: the guest's own, or 124 wall time, 152 CPU time, 137 memory, 123 processes, 122 output, 120 disk, 159 syscall,\n")
            .Append("121 Wasm trap, 141 stdout/stderr closed, 128+N canceled by signal N (130 Ctrl-C, 143 SIGTERM), 125 cordon failed\n")
            .Append("(bad option, setup error), 126 cannot execute, 127 not found. See the exit-code table in docs/cli.md.\n");
        return text.ToString();
    }
}
