using System.Collections.Immutable;
using System.Globalization;
using Cordon.Errors;
using Cordon.Policy;
using Cordon.Policy.Dangerous;
using Cordon.Units;

namespace Cordon.Cli.Commands;

/// <summary>Parses <c>cordon run [options] -- PROGRAM [ARGS...]</c>. Pure: every problem is collected, nothing touches the host.</summary>
internal static class RunOptionsParser
{
    public const string Usage = """
        usage: cordon run [options] -- PROGRAM [ARGS...]

        Policy (loaded first; the options below override it):
          --policy FILE            a policy file (TOML; see docs/policy-reference.md)
          --profile NAME           a built-in profile: minimal, shell, python, node, gcc (cordon profiles)
        Doors (all closed by default):
          --ro HOST[:GUEST]        bind a host path read-only
          --rw HOST[:GUEST]        bind a host path read-write
          --tmpfs GUEST[:SIZE]     add a private tmpfs
          --file GUEST=HOST        copy one host file in, read-only
          --fd N | --fd GUEST=HOST hand an open descriptor of cordon's own to the guest
          --workdir DIR            bind DIR read-write at /work (default: private tmpfs)
          --net none|loopback|host network (default none; host is loudly warned)
          --env K=V                set a guest environment variable
          --stdin FILE|-           feed the guest's stdin (default /dev/null)
          --guest-root             appear as uid 0 inside (no capabilities)
          --no-system-dirs         do not mount /usr, /lib, /bin and the minimal /etc
        Limits (none = unlimited):
          --time D (10s)  --cpu D (5s)  --memory S (256M)  --pids N (64)  --output S (1M per stream)
          --output-action truncate|kill  --fsize S (16M)  --tmp-size S (64M)  --nofile N (256)  --stack S (8M)
          --disk SIZE[:FILES] (1G:65536)  budget of each writable grant; as root the guest's writes land when the run ends
          durations: 500ms 2s 1.5m 1h; sizes: 512K 64M 1G (binary units)
        Syscalls:
          --syscalls default|strict   --allow-syscalls a,b,c (custom allowlist)   --on-violation errno|kill
        Strictness:
          --require-cgroups  --require-landlock
        Tiers:
          --tier process|wasm      process (default): namespaces, seccomp, Landlock, cgroups
                                   wasm: PROGRAM is a .wasm/.wat module run by Wasmtime (WASI preview 1)
          --invoke NAME            wasm: call export NAME with ARGS as typed arguments instead of _start
          --fuel N|none            wasm: deterministic instruction budget (cpu_time_exceeded when spent)
          --contain                wasm: run the Wasm runner itself inside the process tier
        Output:
          --json  --quiet  --raw-output (do not neutralise terminal escapes on a tty)
        """;

    public static (RunOptions? Options, ImmutableArray<PolicyError> Errors) Parse(IReadOnlyList<string> args, SandboxPolicy? basis = null)
    {
        var builder = basis is null ? new SandboxPolicyBuilder() : new SandboxPolicyBuilder(basis);
        List<PolicyError> errors = [];
        List<(int, int)> fds = [];
        bool json = false, quiet = false, raw = false;
        string? stdin = null;
        string tier = "process";
        string? invoke = null;
        long? fuel = null;
        bool fuelUnlimited = false, contain = false;
        int i = 0;
        for (; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--") { i++; break; }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) break;

            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) { name = arg[..eq]; inlineValue = arg[(eq + 1)..]; }

            string? Value()
            {
                if (inlineValue is not null) return inlineValue;
                if (i + 1 < args.Count) return args[++i];
                errors.Add(new(name, "needs a value", name));
                return null;
            }

            switch (name)
            {
                case "--json": json = true; break;
                case "--policy" or "--profile": Value(); break; // the basis, loaded by PolicyCommand.LoadRunBasis
                case "--quiet": quiet = true; break;
                case "--raw-output": raw = true; break;
                case "--guest-root": builder.WithGuestRoot(); break;
                case "--no-system-dirs": builder.WithSystemDirectories(false); break;
                case "--require-cgroups": builder.RequireCgroups(); break;
                case "--require-landlock": builder.RequireLandlock(); break;
                case "--tier":
                    tier = Value() ?? tier;
                    if (tier is not ("process" or "wasm")) errors.Add(new(name, $"'{tier}' is not a tier; use process or wasm", name));
                    break;
                case "--invoke": invoke = Value(); break;
                case "--contain": contain = true; break;
                case "--fuel":
                    if (Value() is { } fuelText)
                    {
                        if (fuelText == "none") fuelUnlimited = true;
                        else if (long.TryParse(fuelText, NumberStyles.None, CultureInfo.InvariantCulture, out long units) && units > 0) fuel = units;
                        else errors.Add(new(name, $"'{fuelText}' is not a positive whole number of fuel units (or none)", name));
                    }
                    break;
                case "--stdin": stdin = Value(); break;
                case "--ro": Bind("--ro", Value(), builder.MountReadOnly); break;
                case "--rw": Bind("--rw", Value(), builder.MountReadWrite); break;
                case "--tmpfs":
                    if (Value() is { } tmpfs)
                    {
                        string[] parts = tmpfs.Split(':', 2);
                        long? size = parts.Length == 2 ? Size(name, parts[1]) : null;
                        builder.MountTmpfs(parts[0], size, name);
                    }
                    break;
                case "--file":
                    if (Value() is { } file)
                    {
                        int split = file.IndexOf('=', StringComparison.Ordinal);
                        if (split <= 0) errors.Add(new(name, $"'{file}' must be GUEST=HOST, e.g. /input.txt=/srv/data/in.txt", name));
                        else builder.CopyFile(file[..split], Absolute(file[(split + 1)..]), name);
                    }
                    break;
                case "--fd":
                    if (Value() is { } fd) ParseFd(fd);
                    break;
                case "--workdir":
                    if (Value() is { } work) builder.WithWorkDirectory(Absolute(work));
                    break;
                case "--net":
                    switch (Value())
                    {
                        case "none": builder.WithNetwork(NetworkMode.None); break;
                        case "loopback": builder.WithNetwork(NetworkMode.Loopback); break;
                        case "host": builder.WithNetwork(NetworkMode.Host).Allow(HostNetworkAccess.Instance); break;
                        case { } other: errors.Add(new(name, $"'{other}' is not a network mode; use none, loopback or host", name)); break;
                    }
                    break;
                case "--env":
                    if (Value() is { } env)
                    {
                        int split = env.IndexOf('=', StringComparison.Ordinal);
                        if (split <= 0) errors.Add(new(name, $"'{env}' must be NAME=VALUE", name));
                        else builder.SetEnvironment(env[..split], env[(split + 1)..]);
                    }
                    break;
                case "--time": if (Value() is { } t) builder.WithWallTime(Duration(name, t)); break;
                case "--cpu": if (Value() is { } c) builder.WithCpuTime(Duration(name, c)); break;
                case "--memory": if (Value() is { } m) builder.WithMemory(Size(name, m)); break;
                case "--output": if (Value() is { } o) builder.WithMaxOutput(Size(name, o)); break;
                case "--fsize": if (Value() is { } f) builder.WithFileSize(Size(name, f)); break;
                case "--tmp-size": if (Value() is { } s) builder.WithTmpfsSize(Size(name, s)); break;
                case "--stack": if (Value() is { } st) builder.WithStack(Size(name, st)); break;
                case "--disk":
                    // SIZE or SIZE:FILES; none writes straight through with no budget
                    if (Value() is { } disk)
                    {
                        string[] parts = disk.Split(':', 2);
                        builder.WithDiskBudget(Size(name, parts[0]));
                        if (parts.Length == 2) builder.WithDiskInodes(Count(name, parts[1]));
                    }

                    break;
                case "--pids": if (Value() is { } p) builder.WithMaxProcesses(Count(name, p)); break;
                case "--nofile": if (Value() is { } n) builder.WithOpenFiles(Count(name, n)); break;
                case "--output-action":
                    switch (Value())
                    {
                        case "truncate": builder.WithOutputAction(OutputAction.Truncate); break;
                        case "kill": builder.WithOutputAction(OutputAction.Kill); break;
                        case { } other: errors.Add(new(name, $"'{other}' is not an output action; use truncate or kill", name)); break;
                    }
                    break;
                case "--syscalls":
                    switch (Value())
                    {
                        case "default": builder.WithSyscallProfile(SyscallProfile.Default); break;
                        case "strict": builder.WithSyscallProfile(SyscallProfile.Strict); break;
                        case { } other: errors.Add(new(name, $"'{other}' is not a syscall profile; use default or strict, or --allow-syscalls for a custom list", name)); break;
                    }
                    break;
                case "--allow-syscalls":
                    if (Value() is { } list) builder.WithCustomSyscalls(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--on-violation":
                    switch (Value())
                    {
                        case "errno": builder.WithViolationAction(ViolationAction.Errno); break;
                        case "kill": builder.WithViolationAction(ViolationAction.Kill); break;
                        case { } other: errors.Add(new(name, $"'{other}' is not a violation action; use errno or kill", name)); break;
                    }
                    break;
                default:
                    errors.Add(new(name, "unknown option; see cordon run --help", name));
                    break;
            }
        }

        if (i >= args.Count) errors.Add(new("PROGRAM", "no program given; write cordon run [options] -- PROGRAM [ARGS...]"));
        if (tier != "wasm" && (invoke is not null || fuel is not null || fuelUnlimited || contain))
            errors.Add(new("--tier", "--invoke, --fuel and --contain belong to the wasm tier; add --tier wasm"));
        if (!builder.TryBuild(out SandboxPolicy? policy, out ImmutableArray<PolicyError> policyErrors)) errors.AddRange(policyErrors);
        if (errors.Count > 0 || policy is null) return (null, [.. errors]);

        return (new RunOptions
        {
            Policy = policy,
            Program = args[i],
            Arguments = [.. args.Skip(i + 1)],
            Json = json,
            Quiet = quiet,
            RawOutput = raw,
            StandardInputPath = stdin,
            Descriptors = [.. fds],
            Tier = tier,
            Invoke = invoke,
            Fuel = fuel,
            FuelUnlimited = fuelUnlimited,
            Contain = contain,
        }, []);

        void Bind(string option, string? value, Func<string, string?, string?, SandboxPolicyBuilder> add)
        {
            if (value is null) return;
            int split = value.IndexOf(':', StringComparison.Ordinal);
            string host = split < 0 ? value : value[..split];
            string? guest = split < 0 ? null : value[(split + 1)..];
            host = Absolute(host);
            add(host, guest ?? host, $"{option} {value}");
        }

        void ParseFd(string value)
        {
            string[] parts = value.Split('=', 2);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int guest)
                || !int.TryParse(parts.Length == 2 ? parts[1] : parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int host))
            {
                errors.Add(new("--fd", $"'{value}' must be N or GUEST=HOST descriptor numbers, e.g. --fd 3 (with 3<file in the shell)", "--fd"));
                return;
            }

            if (guest is < 3 or > 254) errors.Add(new("--fd", $"guest descriptor {guest} is out of range; use 3 to 254", "--fd"));
            else fds.Add((guest, host));
        }

        long? Size(string option, string text)
        {
            if (text == "none") return null;
            if (ByteSize.TryParse(text, out long bytes, out string error)) return bytes;
            errors.Add(new(option, error, option));
            return null;
        }

        TimeSpan? Duration(string option, string text)
        {
            if (text == "none") return null;
            if (DurationText.TryParse(text, out TimeSpan value, out string error)) return value;
            errors.Add(new(option, error, option));
            return null;
        }

        int? Count(string option, string text)
        {
            if (text == "none") return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
            errors.Add(new(option, $"'{text}' is not a positive whole number (or none)", option));
            return null;
        }
    }

    private static string Absolute(string path) => Path.IsPathFullyQualified(path) ? Path.GetFullPath(path) : Path.GetFullPath(path, Environment.CurrentDirectory);
}
