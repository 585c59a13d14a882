using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.Policy;

/// <summary>
/// What a network allowlist adds, per call as the guest measures it (a static C program): a TCP connect to an allowed
/// loopback listener through the supervisor against the same connect with the host's network, and a name lookup through
/// the sandbox's name server against one answered from the guest's own /etc/hosts.
/// </summary>
internal static class AllowlistProbe
{
    private const string Source = """
        #include <netdb.h>
        #include <arpa/inet.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <time.h>
        #include <unistd.h>
        static long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
        static int cmp(const void *a, const void *b) { long x = *(const long *)a, y = *(const long *)b; return x < y ? -1 : x > y; }
        int main(int argc, char **argv) {
            if (argc != 5) return 2;
            int n = atoi(argv[4]);
            long *d = malloc(sizeof(long) * (size_t)n);
            struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])) };
            if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) { /* a name: resolved once, as a client would */
                struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
                if (getaddrinfo(argv[2], argv[3], &hints, &res) != 0) { fprintf(stderr, "lookup failed\n"); return 4; }
                a.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
                freeaddrinfo(res);
            }
            for (int i = 0; i < n; i++) {
                long t = now();
                if (strcmp(argv[1], "connect") == 0) {
                    int s = socket(AF_INET, SOCK_STREAM, 0);
                    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 3; }
                    d[i] = now() - t;
                    close(s);
                } else {
                    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
                    if (getaddrinfo(argv[2], argv[3], &hints, &res) != 0) { fprintf(stderr, "lookup failed\n"); return 4; }
                    d[i] = now() - t;
                    freeaddrinfo(res);
                }
            }
            qsort(d, (size_t)n, sizeof(long), cmp);
            printf("%ld %ld\n", d[n / 2], d[(long)n * 99 / 100]);
            return 0;
        }
        """;

    /// <summary>Median and p99 in microseconds of: allowed connect, host-network connect, stub lookup, files lookup (the better of two interleaved rounds).</summary>
    public static (RefusedCallLatency AllowedConnect, RefusedCallLatency HostConnect, RefusedCallLatency StubLookup, RefusedCallLatency FilesLookup) Measure(int calls)
    {
        string dir = Directory.CreateTempSubdirectory("cordon-bench-allowlist-").FullName;
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            File.WriteAllText(Path.Combine(dir, "probe.c"), Source);
            using (var gcc = Process.Start(new ProcessStartInfo("gcc", ["-static", "-O2", "-o", Path.Combine(dir, "probe"), Path.Combine(dir, "probe.c")]) { RedirectStandardError = true })!)
            {
                string errors = gcc.StandardError.ReadToEnd();
                gcc.WaitForExit();
                if (gcc.ExitCode != 0) throw new InvalidOperationException($"cannot build the allowlist probe: {errors}");
            }

            string hosts = Path.Combine(dir, "hosts");
            File.WriteAllText(hosts, "127.0.0.9 bench.test\n");
            var sandbox = new ProcessSandbox(new ProcessBackendOptions { HostsFile = hosts });
            using var listener = new TcpListener(IPAddress.Parse("127.0.0.9"), 0);
            listener.Start(1024);
            using var stop = new CancellationTokenSource();
            Task accepting = Task.Run(async () =>
            {
                try
                {
                    while (true) (await listener.AcceptSocketAsync(stop.Token)).Dispose();
                }
                catch (OperationCanceledException) { }
            });
            string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            SandboxPolicy Policy(SandboxPolicyBuilder b) => b.MountReadOnly(dir, "/probe").WithWallTime(TimeSpan.FromMinutes(5)).WithCpuTime(TimeSpan.FromMinutes(5)).Build();
            SandboxPolicy allowed = Policy(new SandboxPolicyBuilder().AllowNetworkTo(NetworkDestination.Parse($"bench.test:{port}")));
            SandboxPolicy host = Policy(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Host).Allow(Cordon.Policy.Dangerous.HostNetworkAccess.Instance));

            RefusedCallLatency Run(SandboxPolicy policy, string mode, string target)
            {
                SandboxResult r = sandbox.RunAsync(policy, new SandboxCommand("/probe/probe", [mode, target, port, calls.ToString(CultureInfo.InvariantCulture)])).GetAwaiter().GetResult();
                string[] parts = Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span).Trim().Split(' ');
                if (!r.IsSuccess || parts.Length != 2) throw new InvalidOperationException($"allowlist probe failed: {r.Outcome} {r.Detail} {Encoding.UTF8.GetString(r.StandardError.Bytes.Span)}");
                return new RefusedCallLatency(double.Parse(parts[0], CultureInfo.InvariantCulture) / 1000, double.Parse(parts[1], CultureInfo.InvariantCulture) / 1000);
            }

            RefusedCallLatency allowedConnect = default, hostConnect = default, stub = default, files = default;
            for (int round = 0; round < 2; round++)
            {
                RefusedCallLatency a = Run(allowed, "connect", "bench.test"), h = Run(host, "connect", "127.0.0.9");
                RefusedCallLatency s = Run(allowed, "lookup", "bench.test"), f = Run(allowed, "lookup", "localhost");
                (allowedConnect, hostConnect, stub, files) = round == 0 ? (a, h, s, f)
                    : (RefusedCallLatency.Better(allowedConnect, a), RefusedCallLatency.Better(hostConnect, h), RefusedCallLatency.Better(stub, s), RefusedCallLatency.Better(files, f));
            }

            stop.Cancel();
            accepting.GetAwaiter().GetResult();
            return (allowedConnect, hostConnect, stub, files);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
