using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Cordon.Selftest.Canaries;

/// <summary>
/// One probe's host canaries, planted before its run and checked after it, from the host: a secret file outside the
/// box, TCP listeners on host 127.0.0.1 and ::1, an abstract and a path unix socket, and a victim process. Each probe
/// gets its own set, so a breach is attributed to the probe that caused it even when probes run in parallel.
/// </summary>
internal sealed class CanarySet : IDisposable
{
    private readonly List<Socket> _listeners = [];
    private readonly List<(string Name, Socket Socket)> _watched = [];
    private VictimProcess? _victim;
    private FileAccessWatch? _secretWatch;
    private FileState? _secretBefore;
    private string[] _directoryBefore = [];

    private CanarySet(string directory) => Directory = directory;

    public string Directory { get; }

    public string SecretFilePath => Path.Combine(Directory, "secret");

    /// <summary>The secret file's contents: the guest's output containing it proves a read, whatever the file's atime says.</summary>
    public string SecretValue { get; private set; } = "";

    public string? WorkDirectory { get; private set; }

    public VictimProcess Victim => _victim ?? throw new InvalidOperationException("not planted");

    public CanaryCoordinates Coordinates { get; private set; } = null!;

    /// <summary>Plants every canary under <paramref name="root"/>/<paramref name="name"/>.</summary>
    /// <exception cref="IOException">or <see cref="SocketException"/>: the host refused a canary; the caller reports a harness error.</exception>
    public static CanarySet Plant(string root, string name, string environmentSecretName, string environmentSecret, bool withWorkDirectory)
    {
        var set = new CanarySet(Path.Combine(root, name));
        try
        {
            set.PlantAll(environmentSecretName, environmentSecret, withWorkDirectory);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private void PlantAll(string environmentSecretName, string environmentSecret, bool withWorkDirectory)
    {
        const UnixFileMode WorldReadableDirectory = (UnixFileMode)0b111_101_101;
        System.IO.Directory.CreateDirectory(Directory, WorldReadableDirectory);
        File.SetUnixFileMode(Directory, WorldReadableDirectory);

        // World-readable on purpose: the sandbox, not the file's permissions, has to keep the guest out.
        SecretValue = "cordon-selftest-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(SecretFilePath, SecretValue + "\n");
        File.SetUnixFileMode(SecretFilePath, (UnixFileMode)0b110_100_100);
        // An access time older than the modification time makes the next read update it, even under relatime.
        File.SetLastAccessTimeUtc(SecretFilePath, File.GetLastWriteTimeUtc(SecretFilePath).AddDays(-2));

        if (withWorkDirectory)
        {
            WorkDirectory = Path.Combine(Directory, "work");
            // Owner-only, as a real job directory would be: as root, the grant is idmapped, so the guest writes as its owner.
            System.IO.Directory.CreateDirectory(WorkDirectory);
            File.SetUnixFileMode(WorkDirectory, (UnixFileMode)0b111_000_000);
        }

        Socket tcp4 = Listen(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Loopback, 0));
        _watched.Add(("TCP listener on host 127.0.0.1", tcp4));
        int? tcp6Port = null;
        if (Socket.OSSupportsIPv6)
        {
            try
            {
                Socket tcp6 = Listen(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.IPv6Loopback, 0));
                _watched.Add(("TCP listener on host ::1", tcp6));
                tcp6Port = ((IPEndPoint)tcp6.LocalEndPoint!).Port;
            }
            catch (SocketException)
            {
                // no IPv6 loopback on this host: nothing to canary there
            }
        }

        // Abstract names are global to the network namespace: unique per planting, so suites can run side by side.
        string abstractName = $"cordon-selftest-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}-{Path.GetFileName(Directory)}";
        Socket abstractSocket = Listen(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint("\0" + abstractName));
        _watched.Add(("abstract unix socket @" + abstractName, abstractSocket));
        string pathSocket = Path.Combine(Directory, "canary.sock");
        Socket path = Listen(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(pathSocket));
        File.SetUnixFileMode(pathSocket, (UnixFileMode)0b111_111_111);
        _watched.Add(("unix socket " + pathSocket, path));

        string marker = "100000." + RandomNumberGenerator.GetInt32(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        _victim = VictimProcess.Start(environmentSecretName, environmentSecret, marker);

        Coordinates = new CanaryCoordinates(Directory, SecretFilePath, ((IPEndPoint)tcp4.LocalEndPoint!).Port, tcp6Port,
            abstractName, pathSocket, _victim.Pid, WorkDirectory);
        _secretBefore = FileState.Of(SecretFilePath) ?? throw new IOException($"cannot stat {SecretFilePath}");
        _secretWatch = FileAccessWatch.Start(SecretFilePath);
        _directoryBefore = Listing();
    }

    private Socket Listen(Socket socket, EndPoint endPoint)
    {
        _listeners.Add(socket);
        socket.Bind(endPoint);
        socket.Listen(16);
        return socket;
    }

    /// <summary>Every canary that was touched, in words; empty when all are intact.</summary>
    public List<string> Breaches()
    {
        List<string> breaches = [];
        FileState? now = FileState.Of(SecretFilePath);
        if (now is null) breaches.Add($"secret file {SecretFilePath} was removed");
        else if (now.DifferenceFrom(_secretBefore!) is { } change) breaches.Add($"secret file {SecretFilePath} was {change}");
        if (_secretWatch?.Events() is { Count: > 0 } events) breaches.Add($"secret file {SecretFilePath} was {string.Join(" and ", events)} (inotify)");

        string[] listing = Listing();
        foreach (string added in listing.Except(_directoryBefore, StringComparer.Ordinal)) breaches.Add($"'{added}' appeared in the canary directory");
        foreach (string removed in _directoryBefore.Except(listing, StringComparer.Ordinal)) breaches.Add($"'{removed}' vanished from the canary directory");

        foreach (var (name, socket) in _watched)
        {
            // A connection completed by the kernel waits in the backlog until accepted: readable means someone connected.
            if (socket.Poll(0, SelectMode.SelectRead)) breaches.Add($"{name} was connected to");
        }

        if (_victim?.Problem() is { } victim) breaches.Add(victim);
        return breaches;
    }

    private string[] Listing()
    {
        try
        {
            return [.. System.IO.Directory.EnumerateFileSystemEntries(Directory).Select(Path.GetFileName).Where(n => n != "work").Order(StringComparer.Ordinal)!];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Removes everything; returns what could not be removed (a temp dir left behind), or null.</summary>
    public string? Remove()
    {
        Dispose();
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A guest with a read-write work directory can leave read-only directories behind; open them up and retry.
                MakeWritable(Directory);
                if (attempt == 1) return $"temp dir {Directory} left behind: {e.Message}";
            }
        }

        return null;
    }

    private static void MakeWritable(string directory)
    {
        try
        {
            foreach (string dir in System.IO.Directory.EnumerateDirectories(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Prepend(directory))
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_000_000);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // reported by the caller
        }
    }

    public void Dispose()
    {
        foreach (Socket s in _listeners) s.Dispose();
        _listeners.Clear();
        _secretWatch?.Dispose();
        _secretWatch = null;
        _victim?.Dispose();
    }
}
