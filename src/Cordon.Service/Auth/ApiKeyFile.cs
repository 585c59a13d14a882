using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cordon.Service.Auth;

/// <summary>
/// Reads a keys file, one key per line: <c>TENANT sha256:HEX [concurrent=N] [per_minute=N] [tiers=process,js]
/// [cpu_per_hour=SECONDS] [max_time=30s] [max_cpu=10s] [max_memory=512M] [max_pids=N] [max_output=1M]</c>;
/// <c>#</c> starts a comment. <c>cordon serve hash-key</c> prints the <c>sha256:</c> form of a new secret, so the
/// file never holds a usable secret.
/// </summary>
internal static class ApiKeyFile
{
    public const int DefaultConcurrent = 4;
    public const int DefaultPerMinute = 60;

    /// <summary>The keys in <paramref name="path"/>; throws <see cref="FormatException"/> naming the line for anything malformed.</summary>
    public static ImmutableArray<ApiKey> Load(string path)
    {
        List<ApiKey> keys = [];
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            string[] words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            string where = $"{path}:{i + 1}";
            if (words.Length < 2 || !words[1].StartsWith("sha256:", StringComparison.Ordinal))
                throw new FormatException($"{where}: expected 'TENANT sha256:HEX [concurrent=N] [per_minute=N] [tiers=a,b]'");
            byte[] digest;
            try
            {
                digest = Convert.FromHexString(words[1]["sha256:".Length..]);
            }
            catch (FormatException)
            {
                digest = [];
            }

            if (digest.Length != 32) throw new FormatException($"{where}: '{words[1]}' is not sha256: and 64 hex digits (cordon serve hash-key prints one)");
            if (keys.Any(k => k.Tenant == words[0])) throw new FormatException($"{where}: tenant '{words[0]}' has a key already");
            int concurrent = DefaultConcurrent, perMinute = DefaultPerMinute;
            int? cpuPerHour = null;
            KeyLimits limits = KeyLimits.None;
            ImmutableArray<string> tiers = [];
            foreach (string setting in words[2..])
            {
                string[] kv = setting.Split('=', 2);
                switch (kv[0])
                {
                    case "concurrent" when kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c > 0:
                        concurrent = c;
                        break;
                    case "per_minute" when kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m > 0:
                        perMinute = m;
                        break;
                    case "tiers" when kv.Length == 2 && kv[1].Length > 0:
                        tiers = [.. kv[1].Split(',')];
                        break;
                    case "cpu_per_hour" when kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int cpu) && cpu > 0:
                        cpuPerHour = cpu;
                        break;
                    case "max_time" or "max_cpu" when kv.Length == 2:
                        if (!Units.DurationText.TryParse(kv[1], out TimeSpan d, out string durationError)) throw new FormatException($"{where}: {kv[0]}: {durationError}");
                        limits = kv[0] == "max_time" ? limits with { WallTime = d } : limits with { CpuTime = d };
                        break;
                    case "max_memory" or "max_output" when kv.Length == 2:
                        if (!Units.ByteSize.TryParse(kv[1], out long bytes, out string sizeError)) throw new FormatException($"{where}: {kv[0]}: {sizeError}");
                        limits = kv[0] == "max_memory" ? limits with { MemoryBytes = bytes } : limits with { OutputBytes = bytes };
                        break;
                    case "max_pids" when kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pids) && pids > 0:
                        limits = limits with { Processes = pids };
                        break;
                    default:
                        throw new FormatException($"{where}: '{setting}' is not one of concurrent=N, per_minute=N, cpu_per_hour=SECONDS, max_pids=N (positive whole numbers), max_time=DURATION, max_cpu=DURATION, max_memory=SIZE, max_output=SIZE or tiers=a,b");
                }
            }

            keys.Add(new ApiKey(words[0], [.. digest], concurrent, perMinute, tiers) { CpuSecondsPerHour = cpuPerHour, Limits = limits });
        }

        if (keys.Count == 0) throw new FormatException($"{path}: no keys (one line per key: TENANT sha256:HEX ...)");
        return [.. keys];
    }

    /// <summary>The file form of a secret's hash.</summary>
    public static string Hash(string secret) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
