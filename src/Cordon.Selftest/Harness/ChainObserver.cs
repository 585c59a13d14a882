using System.Text;
using System.Text.RegularExpressions;

namespace Cordon.Selftest.Harness;

/// <summary>
/// Watches /proc from the host while probes run and attributes processes to probes by the nonce in their argv: the
/// launch chain (bwrap, cordon-launch init) and the guest all carry it. From those processes it learns each run's
/// cgroup directories and namespaces, so teardown can be checked per probe even when probes run in parallel.
/// </summary>
/// <remarks>
/// Sampling cannot promise to see a run that lasts a few milliseconds; every probe also triggers a scan when its first
/// output arrives (the supervisor is then inside our callback, so the chain cannot have been reaped), and the suite
/// ends with a sweep of every cgroup and launcher process of this process.
/// </remarks>
internal sealed partial class ChainObserver : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);
    private static readonly string[] NamespaceKinds = ["user", "mnt", "pid", "net", "ipc", "uts", "cgroup"];

    private readonly Lock _scanGate = new();
    private readonly Lock _watchGate = new();
    private readonly List<ObservedChain> _active = [];
    private readonly HashSet<int> _ignored = [];
    private readonly Dictionary<string, string> _cgroupMounts;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private volatile bool _disposed;

    public ChainObserver()
    {
        _cgroupMounts = CgroupMounts();
        // Processes older than the suite are never ours (chains are spawned fresh), except this process's own.
        foreach (int pid in Pids()) if (pid != Environment.ProcessId) _ignored.Add(pid);
        _thread = new Thread(Loop) { IsBackground = true, Name = "cordon-selftest-observer" };
        _thread.Start();
    }

    public ObservedChain Watch(string nonce, string marker)
    {
        var chain = new ObservedChain(nonce, marker);
        lock (_watchGate) _active.Add(chain);
        _wake.Set();
        return chain;
    }

    public void Release(ObservedChain chain)
    {
        lock (_watchGate) _active.Remove(chain);
    }

    /// <summary>Scans /proc now, on the caller's thread.</summary>
    public void ScanNow()
    {
        ObservedChain[] chains;
        lock (_watchGate) chains = [.. _active];
        if (chains.Length == 0) return;
        lock (_scanGate) Scan(chains);
    }

    private void Loop()
    {
        while (!_disposed)
        {
            bool any;
            lock (_watchGate) any = _active.Count > 0;
            if (!any)
            {
                _wake.Wait(TimeSpan.FromMilliseconds(200));
                _wake.Reset();
                continue;
            }

            ScanNow();
            Thread.Sleep(Interval);
        }
    }

    private void Scan(ObservedChain[] chains)
    {
        foreach (int pid in Pids())
        {
            if (_ignored.Contains(pid) || pid == Environment.ProcessId) continue;
            int length = ReadInto($"/proc/{pid}/cmdline");
            if (length <= 0) continue;
            ReadOnlySpan<byte> commandLine = _buffer.AsSpan(0, length);
            foreach (ObservedChain chain in chains)
            {
                if (!chain.Matches(commandLine)) continue;
                string? start = Canaries.VictimProcess.StartTime(pid);
                if (start is null) break;
                string text = Encoding.UTF8.GetString(commandLine).Replace('\0', ' ').TrimEnd();
                // exec keeps pid and start time: init's child is first seen as a copy of init, then as the guest.
                if (chain.Processes.TryGetValue((pid, start), out ObservedProcess? known) && known.CommandLine == text) break;
                chain.Processes[(pid, start)] = new ObservedProcess(pid, start, text, Namespaces(pid));
                RecordCgroups(chain, pid);
                break;
            }
        }
    }

    private void RecordCgroups(ObservedChain chain, int pid)
    {
        int length = ReadInto($"/proc/{pid}/cgroup");
        if (length <= 0) return;
        foreach (string line in Encoding.UTF8.GetString(_buffer, 0, length).Split('\n'))
        {
            // "4:memory:/a/b/cordon/cordon-123-4-x7" (v1) or "0::/a/cordon/cordon-123-4-x7" (v2)
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            Match name = RunCgroupName().Match(parts[2]);
            if (!name.Success) continue;
            chain.CgroupName ??= name.Value;
            if (_cgroupMounts.TryGetValue(parts[1], out string? mount))
                chain.CgroupDirectories.TryAdd(mount + parts[2][..(name.Index + name.Length)], 0);
        }
    }

    private static Dictionary<string, string> Namespaces(int pid)
    {
        Dictionary<string, string> found = [];
        foreach (string kind in NamespaceKinds)
        {
            try
            {
                if (new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget is { } target) found[kind] = target;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // not ours to read (another user namespace without ptrace access)
            }
        }

        return found;
    }

    /// <summary>The host's own namespace links, to compare with a guest's.</summary>
    public static IReadOnlyDictionary<string, string> OwnNamespaces() => Namespaces(Environment.ProcessId);

    /// <summary>Mount options of a v1 cgroup hierarchy that are not controller names.</summary>
    private static readonly HashSet<string> NonControllerOptions = new(StringComparer.Ordinal)
    {
        "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "nsdelegate", "favordynmods",
        "memory_recursiveprot", "memory_localevents", "memory_hugetlb_accounting", "pids_localevents",
    };

    /// <summary>
    /// Which directory each cgroup hierarchy is mounted at, keyed as /proc/PID/cgroup names it ("memory",
    /// "name=systemd", "" for v2). Only mounts of a hierarchy's root count: /proc/PID/cgroup paths are relative to it.
    /// </summary>
    private static Dictionary<string, string> CgroupMounts()
    {
        Dictionary<string, string> mounts = new(StringComparer.Ordinal);
        string text;
        try { text = File.ReadAllText("/proc/self/mountinfo"); }
        catch (IOException) { return mounts; }
        foreach (string line in text.Split('\n'))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            string[] left = line[..dash].Split(' ');
            string[] right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3 || left[3] != "/") continue;
            if (right[0] == "cgroup2")
            {
                mounts.TryAdd("", left[4]);
            }
            else if (right[0] == "cgroup")
            {
                string key = string.Join(',', right[2].Split(',').Where(o => !NonControllerOptions.Contains(o)));
                if (key.Length > 0) mounts.TryAdd(key, left[4]);
            }
        }

        return mounts;
    }

    private int ReadInto(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            return RandomAccess.Read(handle, _buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static IEnumerable<int> Pids()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), out int pid)) yield return pid;
        }
    }

    [GeneratedRegex(@"cordon-\d+-\d+-[0-9a-zA-Z]+")]
    private static partial Regex RunCgroupName();

    public void Dispose()
    {
        _disposed = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(1));
        _wake.Dispose();
    }
}
