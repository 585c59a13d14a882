using System.Collections.Immutable;
using System.Globalization;
using Cordon.Errors;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Cli.Commands;

/// <summary>
/// Parses <c>cordon run [options] [--] PROGRAM [ARGS...]</c> against <see cref="RunOptionTable"/>. Every problem is
/// collected and reported at once; the host is read only where an option asks for it (<c>--env NAME</c>,
/// <c>--env-file</c>), through <see cref="RunParseContext"/>.
/// </summary>
internal static class RunOptionsParser
{
    /// <summary>Where a system directory is mounted when <see cref="SandboxPolicy.MountSystemDirectories"/> is on.</summary>
    internal static readonly ImmutableArray<string> SystemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc"];

    public static string Usage => RunOptionTable.Default.Usage();

    /// <summary>Splits the arguments into options (canonical long names with their values) and the command.</summary>
    internal static (List<(RunOption Option, string Written, string? Value)> Options, int ProgramIndex) Tokenize(IReadOnlyList<string> args, List<PolicyError> errors, RunOptionTable table)
    {
        List<(RunOption, string, string?)> options = [];
        int i = 0;
        for (; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--") { i++; break; }
            if (arg.Length < 2 || arg[0] != '-') break;

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                string name = eq > 0 ? arg[..eq] : arg;
                if (table.Find(name) is not { } option)
                {
                    errors.Add(new(name, "unknown option; see cordon run --help", name));
                    continue;
                }

                if (!option.TakesValue)
                {
                    if (eq > 0) errors.Add(new(name, "takes no value", name));
                    options.Add((option, name, null));
                }
                else if (eq > 0) options.Add((option, name, arg[(eq + 1)..]));
                else if (i + 1 < args.Count) options.Add((option, name, args[++i]));
                else errors.Add(new(name, $"needs a value ({option.Value})", name));
                continue;
            }

            // Short options: flags may be bundled (-it); a value follows attached (-eA=1) or as the next argument.
            for (int c = 1; c < arg.Length; c++)
            {
                string name = "-" + arg[c];
                if (table.Find(name) is not { } option)
                {
                    errors.Add(new(name, arg.Length > 2 ? $"unknown option (in '{arg}'); see cordon run --help" : "unknown option; see cordon run --help", name));
                    break;
                }

                if (!option.TakesValue)
                {
                    options.Add((option, name, null));
                    continue;
                }

                if (c + 1 < arg.Length) options.Add((option, name, arg[(c + 1)..]));
                else if (i + 1 < args.Count) options.Add((option, name, args[++i]));
                else errors.Add(new(name, $"needs a value ({option.Value})", name));
                break;
            }
        }

        return (options, i);
    }

    public static (RunOptions? Options, ImmutableArray<PolicyError> Errors) Parse(IReadOnlyList<string> args, RunParseContext? context = null)
    {
        context ??= RunParseContext.Host;
        List<PolicyError> errors = [];
        RunOptionTable table = context.Table;
        var (tokens, programIndex) = Tokenize(args, errors, table);

        // Conflicts first: an option given twice, or two that contradict each other, is one clear error, never "the last wins".
        foreach (var group in tokens.GroupBy(t => t.Option).Where(g => !g.Key.Repeatable && g.Count() > 1))
        {
            string values = string.Join(" and ", group.Select(t => t.Value is null ? t.Written : $"{t.Written} {t.Value}"));
            errors.Add(new(group.Key.Long, $"given more than once ({values}); give it once", group.Key.Long));
        }

        bool Has(string name) => tokens.Exists(t => t.Option.Long == name);
        void Conflict(string a, string b, string why)
        {
            if (Has(a) && Has(b)) errors.Add(new(a, $"cannot be combined with {b}: {why}", a));
        }

        Conflict("--policy", "--profile", "give one; to combine them, write a policy file that extends the profile");
        Conflict("--syscalls", "--allow-syscalls", "--allow-syscalls replaces the profile with a custom list");
        Conflict("--interactive", "--stdin", "-i is the same as --stdin -");
        Conflict("--tty", "--json", "a terminal's output is not captured for a JSON report");
        Conflict("--json", "--status-fd", "both carry the result document; give one");
        Conflict("--tty", "--stdin", "with -t the guest reads its terminal; add -i to type into it");

        if (tokens.Exists(t => t.Option.Long == "--net" && t.Value == "host") && (Has("--allow-net") || Has("--allow-host")))
            errors.Add(new("--net", "host cannot be combined with --allow-net or --allow-host: the host network already reaches everything; use --net none (the default) or loopback with the allowlist", "--net"));

        SandboxPolicy? basis = null;
        if (tokens.Find(t => t.Option.Long is "--policy" or "--profile") is { Option: not null } source && errors.Count == 0)
        {
            (basis, ImmutableArray<PolicyError> basisErrors) = PolicyCommand.LoadBasis(source.Option.Long, source.Value!);
            errors.AddRange(basisErrors);
        }

        Conflict("--image", "--rootfs", "each gives the root; give one");
        Conflict("--image", "--no-system-dirs", "the image's root already replaces the system directories");
        Conflict("--rootfs", "--no-system-dirs", "the root directory already replaces the system directories");
        if (Has("--image-env") && !Has("--image")) errors.Add(new("--image-env", "gives the image's Env, so it needs --image PATH[:TAG]", "--image-env"));

        var builder = basis is null ? new SandboxPolicyBuilder() : new SandboxPolicyBuilder(basis);
        var state = new ParseState();
        // The image first: its root and (with --image-env) its variables are what the options below may override.
        Images.PreparedImage? image = null;
        if (tokens.Find(t => t.Option.Long == "--image") is { Option: not null } imageToken && errors.Count == 0)
        {
            image = ImageRequests.Prepare(imageToken.Value!, Has("--image-env"), basis, builder, errors, context);
        }

        foreach (var (option, written, value) in tokens) Apply(option, written, value, builder, state, errors, context);

        ImmutableArray<string> command = [.. args.Skip(programIndex)];
        List<string> notices = [];
        if (image is not null) command = ImageRequests.Command(image, command, state, notices, errors);
        if (command.IsEmpty) errors.Add(new("PROGRAM", "no program given; write cordon run [options] -- PROGRAM [ARGS...]"));
        ISandboxTier tier = table.Tiers.Find(state.Tier ?? table.Tiers.Default.Name) ?? table.Tiers.Default;
        foreach (string option in state.TierValues.Keys)
        {
            ImmutableArray<string> owners = table.Find(option)!.Tiers;
            if (!owners.Contains(tier.Name))
                errors.Add(new("--tier", $"{option} belongs to the {string.Join(" and ", owners)} tier{(owners.Length > 1 ? "s" : "")}; add --tier {owners[0]}"));
        }

        if (state.Contain && tier.Containment is null)
        {
            string[] containable = [.. table.Tiers.All.Where(t => t.Containment is not null).Select(t => t.Name)];
            errors.Add(new("--tier", $"--contain belongs to the {string.Join(" and ", containable)} tiers (the {tier.Name} tier runs no runner of its own to contain); add --tier {containable.FirstOrDefault() ?? "wasm"}"));
        }

        if (!tier.HasProcesses && state.Tty) errors.Add(new("--tty", $"the {tier.Name} tier has no terminals; drop -t", "--tty"));
        if (!tier.HasProcesses && state.WorkingDirectory is not null) errors.Add(new("--chdir", $"the {tier.Name} tier has no working directory to change; drop --chdir", "--chdir"));
        if (!builder.TryBuild(out SandboxPolicy? policy, out ImmutableArray<PolicyError> policyErrors)) errors.AddRange(policyErrors);
        else errors.AddRange(Cordon.Backends.Process.Seccomp.SyscallNameCheck.Errors(policy.Syscalls));
        if (image is not null && policy is not null) ImageRequests.User(image, policy, notices);
        if (policy is not null && policy.MountSystemDirectories && !state.OverSystemDirectories)
        {
            foreach (var (option, guest, host) in state.Mounts)
            {
                if (SystemDirectoryUnder(guest, host) is { } system)
                {
                    errors.Add(new(option, $"'{guest}' would mount over the system directory {system} (Cordon mounts /usr, /bin, /sbin, /lib, /lib64 and a minimal /etc itself); "
                        + "choose another guest path, add --no-system-dirs to bring your own, or --over-system-dirs to mount there anyway", option));
                }
            }
        }

        if (errors.Count > 0 || policy is null) return (null, [.. errors]);

        return (new RunOptions
        {
            Policy = policy,
            Program = command[0],
            Arguments = [.. command.Skip(1)],
            Image = image,
            Notices = [.. notices],
            Json = state.Json,
            Quiet = state.Quiet,
            RawOutput = state.Raw,
            StandardInputPath = state.Stdin,
            Descriptors = [.. state.Fds],
            Tier = tier,
            TierSettings = new TierSettings(state.TierValues.ToImmutableSortedDictionary(StringComparer.Ordinal)),
            StatusFd = state.StatusFd,
            Contain = state.Contain,
            Tty = state.Tty,
            KillAfter = state.KillAfter,
            WorkingDirectory = state.WorkingDirectory,
            DryRun = state.DryRun,
        }, []);
    }

    internal sealed class ParseState
    {
        public bool Json, Quiet, Raw, Contain, Tty, DryRun, OverSystemDirectories;
        public string? Stdin, WorkingDirectory, Tier;
        public int? StatusFd;
        public SortedDictionary<string, string> TierValues = new(StringComparer.Ordinal);
        public TimeSpan KillAfter = TimeSpan.FromSeconds(2);
        public List<(int, int)> Fds = [];
        public List<(string Option, string Guest, string? Host)> Mounts = [];
    }

    private static void Apply(RunOption option, string written, string? value, SandboxPolicyBuilder builder, ParseState s, List<PolicyError> errors, RunParseContext context)
    {
        string name = option.Long;
        switch (name)
        {
            case "--json": s.Json = true; break;
            case "--policy" or "--profile" or "--help": break; // the basis was loaded above; --help is answered before parsing
            case "--quiet": s.Quiet = true; break;
            case "--raw-output": s.Raw = true; break;
            case "--dry-run": s.DryRun = true; break;
            case "--guest-root": builder.WithGuestRoot(); break;
            case "--no-system-dirs": builder.WithSystemDirectories(false); break;
            case "--image" or "--image-env": break; // prepared before the other options
            case "--rootfs": builder.WithRoot(FilesystemRoot.Image(context.Absolute(value!))); break;
            case "--over-system-dirs": s.OverSystemDirectories = true; break;
            case "--require-cgroups": builder.RequireCgroups(); break;
            case "--require-landlock": builder.RequireLandlock(); break;
            case "--tier":
                if (context.Table.Tiers.Find(value!) is not null) s.Tier = value;
                else errors.Add(new(name, $"'{value}' is not a tier; use {string.Join(", ", context.Table.Tiers.All.Select(t => t.Name))}", name));
                break;
            case "--contain": s.Contain = true; break;
            case "--status-fd":
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int statusFd) && statusFd is >= 3 and <= 1023) s.StatusFd = statusFd;
                else errors.Add(new(name, $"'{value}' is not a descriptor number from 3 to 1023", name));
                break;
            case "--stdin": s.Stdin = value; break;
            case "--interactive": s.Stdin = "-"; break;
            case "--tty": s.Tty = true; break;
            case "--kill-after":
                if (DurationText.TryParse(value!, out TimeSpan grace, out string graceError)) s.KillAfter = grace;
                else errors.Add(new(name, graceError, name));
                break;
            case "--ro": Bind(written, value!, readOnly: true); break;
            case "--rw": Bind(written, value!, readOnly: false); break;
            case "--volume":
                {
                    List<string> parts = SplitPath(value!);
                    bool readOnly = true;
                    if (parts.Count == 3 && parts[2] is "ro" or "rw")
                    {
                        readOnly = parts[2] == "ro";
                        parts.RemoveAt(2);
                    }
                    else if (parts.Count > 2)
                    {
                        errors.Add(new(name, $"'{value}' must be HOST[:GUEST[:ro|rw]]; write \\: for a ':' inside a path", name));
                        break;
                    }

                    AddBind(written, value!, parts[0], parts.Count == 2 ? parts[1] : null, readOnly);
                    break;
                }
            case "--tmpfs":
                {
                    List<string> parts = SplitPath(value!);
                    long? size = parts.Count == 2 ? Size(name, parts[1], errors) : null;
                    if (parts.Count > 2) errors.Add(new(name, $"'{value}' must be GUEST[:SIZE]", name));
                    builder.MountTmpfs(parts[0], size, name);
                    s.Mounts.Add((written, parts[0], null));
                    break;
                }
            case "--file":
                {
                    int split = value!.IndexOf('=', StringComparison.Ordinal);
                    if (split <= 0) errors.Add(new(name, $"'{value}' must be GUEST=HOST, e.g. /input.txt=/srv/data/in.txt", name));
                    else
                    {
                        builder.CopyFile(value[..split], context.Absolute(value[(split + 1)..]), name);
                        s.Mounts.Add((written, value[..split], null));
                    }

                    break;
                }
            case "--fd": ParseFd(value!, s, errors); break;
            case "--workdir": builder.WithWorkDirectory(context.Absolute(value!)); break;
            case "--chdir":
                if (value!.StartsWith('/')) s.WorkingDirectory = value;
                else errors.Add(new(name, $"'{value}' must be an absolute path inside the sandbox, e.g. --chdir /work/src", name));
                break;
            case "--net":
                switch (value)
                {
                    case "none": builder.WithNetwork(NetworkMode.None); break;
                    case "loopback": builder.WithNetwork(NetworkMode.Loopback); break;
                    case "host": builder.WithNetwork(NetworkMode.Host).Allow(HostNetworkAccess.Instance); break;
                    default: errors.Add(new(name, $"'{value}' is not a network mode; use none, loopback or host", name)); break;
                }

                break;
            case "--allow-net" or "--allow-host": AllowNetwork(name, value!, builder, errors); break;
            case "--env": Environment(written, value!, builder, errors, context); break;
            case "--env-file":
                {
                    if (context.ReadEnvFile(value!, out string text, out string? problem))
                    {
                        int line = 0;
                        foreach (string raw in text.Split('\n'))
                        {
                            line++;
                            string entry = raw.TrimEnd('\r');
                            if (entry.Trim().Length == 0 || entry.TrimStart().StartsWith('#')) continue;
                            Environment($"--env-file {value}:{line}", entry, builder, errors, context);
                        }
                    }
                    else errors.Add(new(name, problem!, name));
                    break;
                }
            case "--time": builder.WithWallTime(Duration(name, value!, errors)); break;
            case "--cpu": builder.WithCpuTime(Duration(name, value!, errors)); break;
            case "--memory": builder.WithMemory(Size(name, value!, errors)); break;
            case "--output": builder.WithMaxOutput(Size(name, value!, errors)); break;
            case "--fsize": builder.WithFileSize(Size(name, value!, errors)); break;
            case "--tmp-size": builder.WithTmpfsSize(Size(name, value!, errors)); break;
            case "--stack": builder.WithStack(Size(name, value!, errors)); break;
            case "--disk":
                {
                    // SIZE or SIZE:FILES; none writes straight through with no budget
                    string[] parts = value!.Split(':', 2);
                    builder.WithDiskBudget(Size(name, parts[0], errors));
                    if (parts.Length == 2) builder.WithDiskInodes(Count(name, parts[1], errors));
                    break;
                }

            case "--pids": builder.WithMaxProcesses(Count(name, value!, errors)); break;
            case "--nofile": builder.WithOpenFiles(Count(name, value!, errors)); break;
            case "--output-action":
                switch (value)
                {
                    case "truncate": builder.WithOutputAction(OutputAction.Truncate); break;
                    case "kill": builder.WithOutputAction(OutputAction.Kill); break;
                    default: errors.Add(new(name, $"'{value}' is not an output action; use truncate or kill", name)); break;
                }

                break;
            case "--syscalls":
                switch (value)
                {
                    case "default": builder.WithSyscallProfile(SyscallProfile.Default); break;
                    case "strict": builder.WithSyscallProfile(SyscallProfile.Strict); break;
                    default: errors.Add(new(name, $"'{value}' is not a syscall profile; use default or strict, or --allow-syscalls for a custom list", name)); break;
                }

                break;
            case "--allow-syscalls": builder.WithCustomSyscalls(value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
            case "--on-violation":
                switch (value)
                {
                    case "errno": builder.WithViolationAction(ViolationAction.Errno); break;
                    case "kill": builder.WithViolationAction(ViolationAction.Kill); break;
                    default: errors.Add(new(name, $"'{value}' is not a violation action; use errno or kill", name)); break;
                }

                break;
            default:
                if (option.Tiers.IsEmpty)
                {
                    errors.Add(new(name, $"internal: {name} is in the option table but not handled", name));
                    break;
                }

                // A tier's own option: its first owner checks the value; the tier reads it when it runs.
                TierOption tierOption = context.Table.Tiers.TakingOption(name).First().Options.First(o => o.Long == name);
                if (tierOption.Validate?.Invoke(value ?? "") is { } invalid) errors.Add(new(name, invalid, name));
                else s.TierValues[name] = value ?? "";
                break;
        }

        void Bind(string optionText, string text, bool readOnly)
        {
            List<string> parts = SplitPath(text);
            if (parts.Count > 2)
            {
                errors.Add(new(name, $"'{text}' has more than one ':'; write \\: for a ':' inside a path", name));
                return;
            }

            AddBind(optionText, text, parts[0], parts.Count == 2 ? parts[1] : null, readOnly);
        }

        void AddBind(string optionText, string text, string host, string? guest, bool readOnly)
        {
            string absolute = context.Absolute(host);
            string source = $"{optionText} {text}";
            if (readOnly) builder.MountReadOnly(absolute, guest ?? absolute, source);
            else builder.MountReadWrite(absolute, guest ?? absolute, source);
            s.Mounts.Add((optionText, guest ?? absolute, absolute));
        }
    }

    /// <summary>
    /// <c>NAME=VALUE</c> sets a variable; <c>NAME</c> alone passes the caller's own value on, explicitly (the guest
    /// never inherits the host environment otherwise).
    /// </summary>
    /// <summary>
    /// <c>--allow-net CIDR[:PORTS]</c> or <c>--allow-host NAME[:PORTS]</c> (a trailing /udp or /tcp kept): the written form of
    /// <see cref="NetworkDestination"/>, with every port when none is given.
    /// </summary>
    private static void AllowNetwork(string name, string value, SandboxPolicyBuilder builder, List<PolicyError> errors)
    {
        string rule = value.Trim(), protocol = "";
        if (rule.EndsWith("/udp", StringComparison.Ordinal) || rule.EndsWith("/tcp", StringComparison.Ordinal)) (rule, protocol) = (rule[..^4], rule[^4..]);
        bool hasPort = rule.StartsWith('[') ? rule.Contains("]:", StringComparison.Ordinal) : rule.Contains(':', StringComparison.Ordinal);
        string written = hasPort || rule.Length == 0 ? rule + protocol : $"{rule}:1-65535{protocol}";
        if (!NetworkDestination.TryParse(written, out NetworkDestination? destination, out string error))
        {
            errors.Add(new(name, $"'{value}': {error}", name));
            return;
        }

        if (name == "--allow-net" && destination!.HostName is not null)
            errors.Add(new(name, $"'{value}' is a host name, not an address or CIDR range; use --allow-host {value}", name));
        else if (name == "--allow-host" && destination!.HostName is null)
            errors.Add(new(name, $"'{value}' is an address, not a host name; use --allow-net {value}", name));
        else builder.AllowNetworkTo(destination!);
    }

    private static void Environment(string where, string entry, SandboxPolicyBuilder builder, List<PolicyError> errors, RunParseContext context)
    {
        int split = entry.IndexOf('=', StringComparison.Ordinal);
        if (split == 0)
        {
            errors.Add(new(where, $"'{entry}' has no name; write NAME=VALUE, or NAME to pass the caller's value", "--env"));
            return;
        }

        if (split > 0)
        {
            builder.SetEnvironment(entry[..split], entry[(split + 1)..]);
            return;
        }

        if (context.Variable(entry) is { } passed) builder.SetEnvironment(entry, passed);
        else errors.Add(new(where, $"{entry} is not set in cordon's environment, so there is no value to pass; write {entry}=VALUE, or export it first", "--env"));
    }

    /// <summary>The system directory <paramref name="guest"/> would cover, sit above or shadow part of, or null.</summary>
    internal static string? SystemDirectoryUnder(string guest, string? host)
    {
        string path = guest.Length > 1 ? guest.TrimEnd('/') : guest;
        foreach (string system in SystemDirectories)
        {
            bool atOrAbove = path == system || system.StartsWith(path == "/" ? "/" : path + "/", StringComparison.Ordinal);
            bool below = path.StartsWith(system + "/", StringComparison.Ordinal);
            // The host's own directory bound at its own path changes nothing a guest sees.
            if (below && host is not null && host.TrimEnd('/') == path) continue;
            if (atOrAbove || below) return system;
        }

        return null;
    }

    /// <summary>Splits at ':' except where written <c>\:</c>; <c>\\</c> is one backslash.</summary>
    internal static List<string> SplitPath(string text)
    {
        List<string> parts = [];
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is ':' or '\\')
            {
                current.Append(text[++i]);
            }
            else if (c == ':')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static void ParseFd(string value, ParseState s, List<PolicyError> errors)
    {
        string[] parts = value.Split('=', 2);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int guest)
            || !int.TryParse(parts.Length == 2 ? parts[1] : parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int host))
        {
            errors.Add(new("--fd", $"'{value}' must be N or GUEST=HOST descriptor numbers, e.g. --fd 3 (with 3<file in the shell)", "--fd"));
            return;
        }

        if (guest is < 3 or > 254) errors.Add(new("--fd", $"guest descriptor {guest} is out of range; use 3 to 254", "--fd"));
        else if (s.Fds.Exists(f => f.Item1 == guest)) errors.Add(new("--fd", $"guest descriptor {guest} is given twice", "--fd"));
        else s.Fds.Add((guest, host));
    }

    private static long? Size(string option, string text, List<PolicyError> errors)
    {
        if (text == "none") return null;
        if (ByteSize.TryParse(text, out long bytes, out string error)) return bytes;
        errors.Add(new(option, error, option));
        return null;
    }

    private static TimeSpan? Duration(string option, string text, List<PolicyError> errors)
    {
        if (text == "none") return null;
        if (DurationText.TryParse(text, out TimeSpan value, out string error)) return value;
        errors.Add(new(option, error, option));
        return null;
    }

    private static int? Count(string option, string text, List<PolicyError> errors)
    {
        if (text == "none") return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        errors.Add(new(option, $"'{text}' is not a positive whole number (or none)", option));
        return null;
    }
}
