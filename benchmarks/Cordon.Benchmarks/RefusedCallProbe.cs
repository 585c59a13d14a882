using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.Policy;

/// <summary>Per-call latency percentiles of one refused syscall, as the guest measured them.</summary>
internal readonly record struct RefusedCallLatency(double P50Microseconds, double P99Microseconds)
{
    /// <summary>The lower of two rounds, per percentile: noise only ever adds time.</summary>
    public static RefusedCallLatency Better(RefusedCallLatency a, RefusedCallLatency b)
        => new(Math.Min(a.P50Microseconds, b.P50Microseconds), Math.Min(a.P99Microseconds, b.P99Microseconds));
}

/// <summary>A static C guest that times N calls of one syscall number with CLOCK_MONOTONIC and prints p50 and p99 in ns.</summary>
internal static class RefusedCallProbe
{
    private const string Source = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <time.h>
        #include <unistd.h>
        static long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
        static int cmp(const void *a, const void *b) { long x = *(const long *)a, y = *(const long *)b; return x < y ? -1 : x > y; }
        int main(int argc, char **argv) {
            if (argc != 3) return 2;
            long nr = atol(argv[1]); int n = atoi(argv[2]);
            long *d = malloc(sizeof(long) * (size_t)n);
            for (int i = 0; i < n; i++) { long t = now(); syscall(nr, 0, 0, 0, 0); d[i] = now() - t; }
            qsort(d, (size_t)n, sizeof(long), cmp);
            printf("%ld %ld\n", d[n / 2], d[(long)n * 99 / 100]);
            return 0;
        }
        """;

    /// <summary>Compiles the probe into a new world-readable directory; returns it.</summary>
    public static string Build()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-bench-refused-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(dir, "probe.c"), Source);
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-static", "-O2", "-o", Path.Combine(dir, "probe"), Path.Combine(dir, "probe.c")]) { RedirectStandardError = true })!;
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"cannot build the refused-call probe: {errors}");
        return dir;
    }

    public static RefusedCallLatency Measure(ProcessSandbox sandbox, SandboxPolicy policy, int syscallNumber, int calls)
    {
        SandboxResult r = sandbox.RunAsync(policy, new SandboxCommand("/probe/probe",
            [syscallNumber.ToString(CultureInfo.InvariantCulture), calls.ToString(CultureInfo.InvariantCulture)])).GetAwaiter().GetResult();
        string output = Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span).Trim();
        string[] parts = output.Split(' ');
        if (!r.IsSuccess || parts.Length != 2) throw new InvalidOperationException($"refused-call probe failed: {r.Outcome} {r.Detail} '{output}'");
        return new RefusedCallLatency(double.Parse(parts[0], CultureInfo.InvariantCulture) / 1000, double.Parse(parts[1], CultureInfo.InvariantCulture) / 1000);
    }
}
