using System.Collections.Immutable;
using System.Net;
using Cordon.Errors;
using Cordon.PolicyFiles;
using Cordon.PolicyFiles.Toml;
using Cordon.Service.Distributed;
using Cordon.Service.Runtimes;
using Cordon.Units;

namespace Cordon.Service.Config;

/// <summary>
/// <c>--config FILE</c>: the service's settings as TOML, read with the policy files' parser so that every problem
/// names its file:line:column, and strict in the same way (an unknown key or a value of the wrong type is an error,
/// never ignored). Paths in it are relative to the file's directory. Command-line options given as well override it.
/// </summary>
/// <example>
/// <code>
/// listen = "0.0.0.0:2000"
/// api_keys = "keys.txt"
/// queue = "nats://10.0.0.5:4222"
/// runtimes = ["python3", "c"]
/// playground = false
/// run_uids = "1879048192-1879113727"
/// [ceilings]
/// time = "30s"
/// memory = "512M"
/// </code>
/// </example>
internal static class ServeConfigFile
{
    private static readonly string[] TopKeys = ["listen", "api_keys", "queue", "concurrency", "queue_capacity", "runtimes", "playground", "run_uids", "ceilings", "defaults", "worker"];
    private static readonly string[] CeilingKeys = ["time", "cpu", "memory", "pids", "output", "request", "files", "file", "stdin", "arguments", "retention", "queue_deadline", "network_allow"];
    private static readonly string[] DefaultKeys = ["time", "cpu", "memory", "output"];
    private static readonly string[] WorkerKeys = ["ack_wait", "max_attempts"];

    /// <summary><paramref name="options"/> with the file's settings; a <see cref="FormatException"/> listing every problem (one per line) otherwise.</summary>
    public static ServeOptions Load(string path, ServeOptions options)
    {
        string text = File.ReadAllText(path);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        List<PolicyError> errors = [];
        TomlTableNode? root = TomlTreeBuilder.Parse(text, path, errors);
        var reader = new Reader(path, directory, errors);
        if (root is not null) options = reader.Top(root, options);
        if (errors.Count > 0) throw new FormatException(string.Join('\n', errors.Select(e => $"{e.Source ?? path}: {e.Key}: {e.Message}")));
        return options;
    }

    private sealed class Reader(string path, string directory, List<PolicyError> errors)
    {
        public ServeOptions Top(TomlTableNode root, ServeOptions options)
        {
            ServiceCeilings ceilings = options.Ceilings;
            foreach (TomlEntry e in root.Entries)
            {
                switch (e.Key)
                {
                    case "listen" when String(e) is { } s:
                        if (IPEndPoint.TryParse(s, out IPEndPoint? endpoint) && s.Contains(':', StringComparison.Ordinal)) options = options with { Listen = endpoint };
                        else Error(e, $"'{s}' is not HOST:PORT with an IP address, e.g. 127.0.0.1:2000 or [::1]:2000");
                        break;
                    case "api_keys" when String(e) is { } s:
                        options = options with { KeysFile = Path.Combine(directory, s) };
                        break;
                    case "queue" when String(e) is { } s:
                        if (NatsBus.ParseUrl(s, out string? problem) is { } url) options = options with { Queue = url };
                        else Error(e, problem!);
                        break;
                    case "concurrency" when Integer(e, 1, 1024) is { } n:
                        ceilings = ceilings with { Concurrency = (int)n };
                        break;
                    case "queue_capacity" when Integer(e, 1, 100_000) is { } n:
                        ceilings = ceilings with { QueueCapacity = (int)n };
                        break;
                    case "playground" when Bool(e) is { } b:
                        options = options with { Playground = b };
                        break;
                    case "run_uids" when String(e) is { } s:
                        try
                        {
                            options = options with { RunIdentities = Backends.Process.Identity.HostIdentityRange.Parse(s) };
                        }
                        catch (FormatException x)
                        {
                            Error(e, x.Message);
                        }

                        break;
                    case "runtimes":
                        if (e.Value is not TomlArrayNode array)
                        {
                            Error(e, $"is {e.Value.Describe()}; give an array of runtime names, e.g. [\"python3\", \"c\"]; known: {string.Join(", ", RuntimeCatalog.KnownNames)}");
                            break;
                        }

                        List<string> names = [];
                        foreach (TomlNode item in array.Items)
                        {
                            if (item is TomlScalar { Value: string name } && RuntimeCatalog.KnownNames.Contains(name)) names.Add(name);
                            else errors.Add(new PolicyError("runtimes", $"{item.Describe()} is not a runtime; known: {string.Join(", ", RuntimeCatalog.KnownNames)}", item.At.ToString()));
                        }

                        options = options with { Runtimes = [.. names] };
                        break;
                    case "ceilings" when Table(e) is { } t:
                        ceilings = Ceilings(t, ceilings);
                        break;
                    case "defaults" when Table(e) is { } t:
                        ceilings = Defaults(t, ceilings);
                        break;
                    case "worker" when Table(e) is { } t:
                        options = Worker(t, options);
                        break;
                    case var key when !TopKeys.Contains(key):
                        Unknown(e, "the top level", TopKeys);
                        break;
                }
            }

            return options with { Ceilings = ceilings };
        }

        private ServiceCeilings Ceilings(TomlTableNode table, ServiceCeilings c)
        {
            foreach (TomlEntry e in table.Entries)
            {
                c = e.Key switch
                {
                    "time" when Duration(e) is { } d => c with { MaxWallTime = d },
                    "cpu" when Duration(e) is { } d => c with { MaxCpuTime = d },
                    "memory" when Size(e) is { } b => c with { MaxMemoryBytes = b },
                    "pids" when Integer(e, 1, 65536) is { } n => c with { MaxProcesses = (int)n },
                    "output" when Size(e) is { } b => c with { MaxOutputBytes = b },
                    "request" when Size(e) is { } b => c with { MaxRequestBytes = b },
                    "files" when Integer(e, 1, 10_000) is { } n => c with { MaxFiles = (int)n },
                    "file" when Size(e) is { } b => c with { MaxFileBytes = b },
                    "stdin" when Size(e) is { } b => c with { MaxStdinBytes = b },
                    "arguments" when Integer(e, 0, 10_000) is { } n => c with { MaxArguments = (int)n },
                    "retention" when Duration(e) is { } d => c with { Retention = d },
                    "queue_deadline" when Duration(e) is { } d => c with { QueueDeadline = d },
                    "network_allow" => c with { NetworkAllow = Destinations(e) },
                    var key when !CeilingKeys.Contains(key) => Unknown(e, "[ceilings]", CeilingKeys, c),
                    _ => c,
                };
            }

            return c;
        }

        /// <summary><c>network_allow = ["127.0.0.1:8080", "api.example.org:443"]</c>: what requests may ask to reach.</summary>
        private ImmutableArray<Policy.NetworkDestination> Destinations(TomlEntry e)
        {
            if (e.Value is not TomlArrayNode array)
            {
                Error(e, $"is {e.Value.Describe()}; give an array of destinations, e.g. [\"127.0.0.1:8080\", \"api.example.org:443\"]");
                return [];
            }

            List<Policy.NetworkDestination> rules = [];
            for (int i = 0; i < array.Items.Count; i++)
            {
                TomlNode item = array.Items[i];
                string problem = $"expected a destination in quotes (HOST:PORT); got {item.Describe()}";
                if (item is TomlScalar { Value: string text } && Policy.NetworkDestination.TryParse(text, out Policy.NetworkDestination? rule, out problem)) rules.Add(rule!);
                else errors.Add(new PolicyError($"ceilings.network_allow[{i}]", problem, item.At.ToString()));
            }

            return [.. rules];
        }

        private ServiceCeilings Defaults(TomlTableNode table, ServiceCeilings c)
        {
            foreach (TomlEntry e in table.Entries)
            {
                c = e.Key switch
                {
                    "time" when Duration(e) is { } d => c with { DefaultWallTime = d },
                    "cpu" when Duration(e) is { } d => c with { DefaultCpuTime = d },
                    "memory" when Size(e) is { } b => c with { DefaultMemoryBytes = b },
                    "output" when Size(e) is { } b => c with { DefaultOutputBytes = b },
                    var key when !DefaultKeys.Contains(key) => Unknown(e, "[defaults]", DefaultKeys, c),
                    _ => c,
                };
            }

            return c;
        }

        private ServeOptions Worker(TomlTableNode table, ServeOptions o)
        {
            foreach (TomlEntry e in table.Entries)
            {
                o = e.Key switch
                {
                    "ack_wait" when Duration(e) is { } d => d >= TimeSpan.FromSeconds(3) ? o with { AckWait = d } : Fail(e, "is shorter than 3s; a heartbeat every third of it must fit", o),
                    "max_attempts" when Integer(e, 1, 100) is { } n => o with { MaxAttempts = (int)n },
                    var key when !WorkerKeys.Contains(key) => Unknown(e, "[worker]", WorkerKeys, o),
                    _ => o,
                };
            }

            return o;
        }

        private string? String(TomlEntry e) => e.Value is TomlScalar { Value: string s } ? s : Wrong<string>(e, "a string");

        private bool? Bool(TomlEntry e) => e.Value is TomlScalar { Value: bool b } ? b : Wrong<bool?>(e, "true or false");

        private long? Integer(TomlEntry e, long min, long max)
        {
            if (e.Value is not TomlScalar { Value: long n }) return Wrong<long?>(e, $"a whole number from {min} to {max}");
            if (n < min || n > max) return Fail<long?>(e, $"is {n}; give {min} to {max}", null);
            return n;
        }

        private TimeSpan? Duration(TomlEntry e)
        {
            if (String(e) is not { } s) return null;
            return DurationText.TryParse(s, out TimeSpan d, out string error) ? d : Fail<TimeSpan?>(e, error, null);
        }

        private long? Size(TomlEntry e)
        {
            if (e.Value is TomlScalar { Value: long n } && n > 0) return n;
            if (String(e) is not { } s) return null;
            return ByteSize.TryParse(s, out long b, out string error) ? b : Fail<long?>(e, error, null);
        }

        private TomlTableNode? Table(TomlEntry e) => e.Value as TomlTableNode ?? Wrong<TomlTableNode>(e, "a table");

        private T? Wrong<T>(TomlEntry e, string expected)
        {
            Error(e, $"is {e.Value.Describe()}; expected {expected}");
            return default;
        }

        private T Fail<T>(TomlEntry e, string message, T value)
        {
            Error(e, message);
            return value;
        }

        private T Unknown<T>(TomlEntry e, string where, string[] allowed, T value)
        {
            Unknown(e, where, allowed);
            return value;
        }

        private void Unknown(TomlEntry e, string where, string[] allowed)
            => errors.Add(new PolicyError(e.Key, $"unknown key '{e.Key}' in {where}; allowed: {string.Join(", ", allowed)}", e.KeyAt.ToString()));

        private void Error(TomlEntry e, string message) => errors.Add(new PolicyError(e.Key, message, e.Value.At.ToString()));

        public override string ToString() => path;
    }
}
