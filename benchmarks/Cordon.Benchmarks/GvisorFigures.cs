using System.Diagnostics;
using Cordon.Backends.Gvisor.Tier;
using Cordon.Backends.Process;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;

namespace Cordon.Benchmarks;

/// <summary>
/// The gvisor tier against the process tier, interleaved: start cost (<c>/bin/true</c>) and a syscall-heavy guest
/// (a static C loop of 200k <c>stat</c> calls), where gVisor's ptrace platform pays a host round trip per syscall.
/// </summary>
internal static class GvisorFigures
{
    private const string StatLoop = """
        #include <stdlib.h>
        #include <sys/stat.h>
        int main(int argc, char **argv) {
            long n = argc > 1 ? atol(argv[1]) : 200000;
            struct stat st;
            for (long i = 0; i < n; i++) stat("/", &st);
            return 0;
        }
        """;

    public static (Stats ProcessStart, Stats GvisorStart, Stats ProcessStat, Stats GvisorStat) Measure(int startRuns, int statRuns, int statCalls)
    {
        string dir = Directory.CreateTempSubdirectory("cordon-bench-gvisor-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "stat_loop.c"), StatLoop);
            using (var gcc = Process.Start("gcc", ["-O2", "-static", "-o", Path.Combine(dir, "stat_loop"), Path.Combine(dir, "stat_loop.c")]))
            {
                gcc.WaitForExit();
                if (gcc.ExitCode != 0) throw new InvalidOperationException("gcc could not build the stat loop");
            }

            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            var process = new ProcessSandbox(new ProcessBackendOptions());
            var gvisor = new GvisorTier();
            SandboxPolicy startPolicy = SandboxPolicy.Default;
            SandboxPolicy statPolicy = new SandboxPolicyBuilder().MountReadOnly(dir, "/bench").WithWallTime(TimeSpan.FromMinutes(5)).WithCpuTime(TimeSpan.FromMinutes(5)).Build();
            double Time(Func<SandboxResult> run)
            {
                long start = Stopwatch.GetTimestamp();
                SandboxResult r = run();
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!r.IsSuccess) throw new InvalidOperationException($"benchmark guest failed: {r.Outcome} {r.ExitCode} {r.Detail}");
                return ms;
            }

            var command = new SandboxCommand("/bin/true");
            var stat = new SandboxCommand("/bench/stat_loop", [statCalls.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            List<double> ps = [], gs = [], pstat = [], gstat = [];
            // Warm-up, then interleave: process, gvisor, process, gvisor...
            Time(() => process.RunAsync(startPolicy, command).GetAwaiter().GetResult());
            Time(() => gvisor.Run(startPolicy, command, TierSettings.None, CancellationToken.None));
            for (int i = 0; i < startRuns; i++)
            {
                ps.Add(Time(() => process.RunAsync(startPolicy, command).GetAwaiter().GetResult()));
                gs.Add(Time(() => gvisor.Run(startPolicy, command, TierSettings.None, CancellationToken.None)));
            }

            for (int i = 0; i < statRuns; i++)
            {
                pstat.Add(Time(() => process.RunAsync(statPolicy, stat).GetAwaiter().GetResult()));
                gstat.Add(Time(() => gvisor.Run(statPolicy, stat, TierSettings.None, CancellationToken.None)));
            }

            return (Stats.Of("process tier /bin/true", ps), Stats.Of("gvisor tier /bin/true", gs),
                Stats.Of($"process tier {statCalls} stat calls", pstat), Stats.Of($"gvisor tier {statCalls} stat calls", gstat));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
