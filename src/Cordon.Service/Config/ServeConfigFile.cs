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
/// [warm]
/// runtimes = ["python3"]
/// size = 2
/// idle = "5m"
/// </code>
/// </example>
internal static class ServeConfigFile
{
    private static readonly string[] TopKeys = ["listen", "api_keys", "queue", "concurrency", "queue_capacity", "runtimes", "playground", "run_uids", "ceilings", "defaults", "worker", "quotas", "warm"];

    /// <summary>The keys of <c>[ceilings]</c>: what no request can exceed.</summary>
    private static readonly TableKey<ServiceCeilings>[] CeilingKeys =
    [
        TableKey<ServiceCeilings>.Duration("time", (c, d) => c with { MaxWallTime = d }),
        TableKey<ServiceCeilings>.Duration("cpu", (c, d) => c with { MaxCpuTime = d }),
        TableKey<ServiceCeilings>.Size("memory", (c, b) => c with { MaxMemoryBytes = b }),
        TableKey<ServiceCeilings>.Integer("pids", 1, 65536, (c, n) => c with { MaxProcesses = n }),
        TableKey<ServiceCeilings>.Size("output", (c, b) => c with { MaxOutputBytes = b }),
        TableKey<ServiceCeilings>.Size("request", (c, b) => c with { MaxRequestBytes = b }),
        TableKey<ServiceCeilings>.Integer("files", 1, 10_000, (c, n) => c with { MaxFiles = n }),
        TableKey<ServiceCeilings>.Size("file", (c, b) => c with { MaxFileBytes = b }),
        TableKey<ServiceCeilings>.Size("stdin", (c, b) => c with { MaxStdinBytes = b }),
        TableKey<ServiceCeilings>.Integer("arguments", 0, 10_000, (c, n) => c with { MaxArguments = n }),
        TableKey<ServiceCeilings>.Duration("retention", (c, d) => c with { Retention = d }),
        TableKey<ServiceCeilings>.Duration("queue_deadline", (c, d) => c with { QueueDeadline = d }),
        new("network_allow", (r, e, c) => c with { NetworkAllow = r.Destinations(e) }),
    ];

    /// <summary>The keys of <c>[defaults]</c>: the limits of a run that names none.</summary>
    private static readonly TableKey<ServiceCeilings>[] DefaultKeys =
    [
        TableKey<ServiceCeilings>.Duration("time", (c, d) => c with { DefaultWallTime = d }),
        TableKey<ServiceCeilings>.Duration("cpu", (c, d) => c with { DefaultCpuTime = d }),
        TableKey<ServiceCeilings>.Size("memory", (c, b) => c with { DefaultMemoryBytes = b }),
        TableKey<ServiceCeilings>.Size("output", (c, b) => c with { DefaultOutputBytes = b }),
    ];

    /// <summary>The keys of <c>[worker]</c>.</summary>
    private static readonly TableKey<ServeOptions>[] WorkerKeys =
    [
        TableKey<ServeOptions>.Duration("ack_wait", (o, d) => o with { AckWait = d }, TimeSpan.FromSeconds(3), "a heartbeat every third of it must fit"),
        TableKey<ServeOptions>.Integer("max_attempts", 1, 100, (o, n) => o with { MaxAttempts = n }),
    ];

    /// <summary>The keys of <c>[quotas]</c>: how quotas shared by the API nodes of a NATS queue are kept.</summary>
    private static readonly TableKey<ServeOptions>[] QuotaKeys =
    [
        new("lease", (r, e, o) => r.Duration(e) is not { } d ? o
            : d < TimeSpan.FromSeconds(3) ? r.Fail(e, "is shorter than 3s; the API node refreshes its slots every third of the lease", o)
            : d > TimeSpan.FromMinutes(10) ? r.Fail(e, "is longer than 10m; a dead API node's slots count for up to one lease", o)
            : o with { QuotaLease = d }),
    ];

    /// <summary>The keys of <c>[warm]</c>: the warm pools.</summary>
    private static readonly TableKey<Warm.WarmSettings>[] WarmKeys =
    [
        new("runtimes", (r, e, w) => w with { Runtimes = r.WarmRuntimes(e) }),
        TableKey<Warm.WarmSettings>.Integer("size", 1, 64, (w, n) => w with { Size = n }),
        TableKey<Warm.WarmSettings>.Duration("idle", (w, d) => w with { IdleTimeout = d }, TimeSpan.FromSeconds(1), "a member must be able to wait at least that long"),
    ];

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
                        ceilings = Table(t, "[ceilings]", CeilingKeys, ceilings);
                        break;
                    case "defaults" when Table(e) is { } t:
                        ceilings = Table(t, "[defaults]", DefaultKeys, ceilings);
                        break;
                    case "worker" when Table(e) is { } t:
                        options = Table(t, "[worker]", WorkerKeys, options);
                        break;
                    case "quotas" when Table(e) is { } t:
                        options = Table(t, "[quotas]", QuotaKeys, options);
                        break;
                    case "warm" when Table(e) is { } t:
                        options = options with { Warm = Table(t, "[warm]", WarmKeys, options.Warm) };
                        break;
                    case var key when !TopKeys.Contains(key):
                        Unknown(e, "the top level", TopKeys);
                        break;
                }
            }

            return options with { Ceilings = ceilings };
        }

        /// <summary>Every entry of <paramref name="table"/> through its key's reader; an unknown key is reported with the keys <paramref name="where"/> takes.</summary>
        private T Table<T>(TomlTableNode table, string where, TableKey<T>[] keys, T settings)
        {
            foreach (TomlEntry e in table.Entries)
            {
                if (Array.Find(keys, k => k.Name == e.Key) is { } key) settings = key.Apply(this, e, settings);
                else Unknown(e, where, [.. keys.Select(k => k.Name)]);
            }

            return settings;
        }

        /// <summary><c>runtimes = ["python3", "c"]</c> of <c>[warm]</c>: process-tier runtimes only.</summary>
        public ImmutableArray<string> WarmRuntimes(TomlEntry e)
        {
            string known = string.Join(", ", Warm.WarmSettings.PoolableRuntimes);
            if (e.Value is not TomlArrayNode array)
            {
                Error(e, $"is {e.Value.Describe()}; give an array of runtime names, e.g. [\"python3\"]; a warm pool is kept for {known}");
                return [];
            }

            List<string> names = [];
            for (int i = 0; i < array.Items.Count; i++)
            {
                TomlNode item = array.Items[i];
                if (item is TomlScalar { Value: string name } && Warm.WarmSettings.PoolableRuntimes.Contains(name)) names.Add(name);
                else if (item is TomlScalar { Value: string other } && RuntimeCatalog.KnownNames.Contains(other))
                    errors.Add(new PolicyError($"warm.runtimes[{i}]", $"'{other}' does not run on the process tier, and only process-tier runs are pre-built; give {known}", item.At.ToString()));
                else errors.Add(new PolicyError($"warm.runtimes[{i}]", $"{item.Describe()} is not a runtime; a warm pool is kept for {known}", item.At.ToString()));
            }

            return [.. names];
        }

        /// <summary><c>network_allow = ["127.0.0.1:8080", "api.example.org:443"]</c>: what requests may ask to reach.</summary>
        public ImmutableArray<Policy.NetworkDestination> Destinations(TomlEntry e)
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

        private string? String(TomlEntry e) => e.Value is TomlScalar { Value: string s } ? s : Wrong<string>(e, "a string");

        private bool? Bool(TomlEntry e) => e.Value is TomlScalar { Value: bool b } ? b : Wrong<bool?>(e, "true or false");

        public long? Integer(TomlEntry e, long min, long max)
        {
            if (e.Value is not TomlScalar { Value: long n }) return Wrong<long?>(e, $"a whole number from {min} to {max}");
            if (n < min || n > max) return Fail<long?>(e, $"is {n}; give {min} to {max}", null);
            return n;
        }

        public TimeSpan? Duration(TomlEntry e)
        {
            if (String(e) is not { } s) return null;
            return DurationText.TryParse(s, out TimeSpan d, out string error) ? d : Fail<TimeSpan?>(e, error, null);
        }

        public long? Size(TomlEntry e)
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

        public T Fail<T>(TomlEntry e, string message, T value)
        {
            Error(e, message);
            return value;
        }

        private void Unknown(TomlEntry e, string where, string[] allowed)
            => errors.Add(new PolicyError(e.Key, $"unknown key '{e.Key}' in {where}; allowed: {string.Join(", ", allowed)}", e.KeyAt.ToString()));

        private void Error(TomlEntry e, string message) => errors.Add(new PolicyError(e.Key, message, e.Value.At.ToString()));

        public override string ToString() => path;
    }

    /// <summary>
    /// One key of a table and how its value changes the settings: the one reader of every numeric key (a whole number
    /// in range, a duration, a size), each reporting a wrong value at its file:line:column and leaving the settings as
    /// they were.
    /// </summary>
    private sealed record TableKey<T>(string Name, Func<Reader, TomlEntry, T, T> Apply)
    {
        public static TableKey<T> Integer(string name, int min, int max, Func<T, int, T> set)
            => new(name, (r, e, v) => r.Integer(e, min, max) is { } n ? set(v, (int)n) : v);

        /// <summary>A duration; below <paramref name="minimum"/> (when given) an error that says <paramref name="why"/>.</summary>
        public static TableKey<T> Duration(string name, Func<T, TimeSpan, T> set, TimeSpan? minimum = null, string? why = null)
            => new(name, (r, e, v) => r.Duration(e) is not { } d ? v
                : d < minimum ? r.Fail(e, $"is shorter than {DurationText.Format(minimum.Value)}; {why}", v)
                : set(v, d));

        public static TableKey<T> Size(string name, Func<T, long, T> set)
            => new(name, (r, e, v) => r.Size(e) is { } b ? set(v, b) : v);
    }
}
