using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cordon.Backends.Process;
using Cordon.Backends.Process.Supervision;
using Cordon.Benchmarks;
using Cordon.Execution;
using Cordon.Policy;
using Jint;

// Cordon's benchmark harness: every scenario is measured interleaved with its baselines in the same run, and the
// published figures are ratios against those baselines (these machines are noisy; absolute times are not comparable).
int runs = 60;
bool smoke = false;
string? cli = null;
string jsonPath = "bench/results.json";
int? loop = null;
string? aotFloor = null;
bool jsOnly = false;
bool wasmOnly = false;
bool networkOnly = false;
string? serve = null;
bool serviceOnly = false;
bool gvisorOnly = false;
bool cliOnly = false;
string? baselineCli = null;
bool warmOnly = false;
bool cgroupV2Only = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--smoke": smoke = true; runs = 3; break;
        case "--cli": cli = args[++i]; break;
        case "--json": jsonPath = args[++i]; break;
        case "--loop": loop = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--aot-floor": aotFloor = args[++i]; break;
        case "--js-only": jsOnly = true; break;
        case "--wasm-only": wasmOnly = true; break;
        case "--network-only": networkOnly = true; break;
        case "--serve": serve = args[++i]; break;
        case "--service-only": serviceOnly = true; break;
        case "--gvisor-only": gvisorOnly = true; break;
        case "--cli-only": cliOnly = true; break;
        case "--baseline-cli": baselineCli = args[++i]; break;
        case "--warm-only": warmOnly = true; break;
        case "--cgroup-v2-only": cgroupV2Only = true; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}; usage: [--runs N] [--smoke] [--cli PATH-TO-cordon] [--json FILE] [--loop N] [--aot-floor PATH] [--js-only] [--wasm-only] [--network-only] [--serve PATH-TO-cordon-serve] [--service-only] [--gvisor-only] [--cli-only [--baseline-cli PATH-TO-another-cordon]] [--warm-only] [--cgroup-v2-only]"); return 2;
    }
}

const string Python = "/usr/bin/python3";
string[] bareBwrap =
[
    "/usr/bin/bwrap", "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup", "--unshare-net",
    "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1", "--cap-drop", "ALL", "--clearenv",
    "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--",
];

ConcurrentBag<RunTimings> timings = [];
var sandbox = new ProcessSandbox(new ProcessBackendOptions { TimingsObserver = timings.Add });
SandboxPolicy policy = SandboxPolicy.Default;
// Instantiate + _start of Wasmtime alone, filled by WasmFigures (the floor under Cordon's instantiate+run).
List<double> wasmBareInside = [];
if (wasmOnly)
{
    var (onDemand, pooled, run, inside, bare) = WasmFigures(smoke ? 20 : 2000);
    Console.WriteLine(FormattableString.Invariant($"wasm tier, RunAsync: instantiate+run {pooled.MedianInstantiateAndRunMicroseconds:0.0} µs pooled, {onDemand.MedianInstantiateAndRunMicroseconds:0.0} µs on demand; whole RunAsync {pooled.MedianRunMicroseconds:0.0} / {onDemand.MedianRunMicroseconds:0.0} µs"));
    Console.WriteLine(FormattableString.Invariant($"wasm tier, Run on this thread: instantiate+run {inside.Median:0.0} µs (target ≤ 20 µs), whole Run {run.Median:0.0} µs; Wasmtime alone {bare.Median:0.0} µs (ratio {run.Median / bare.Median:0.00}), of which instantiate+_start {Stats.Of("bare", wasmBareInside).Median:0.0} µs"));
    return 0;
}

if (networkOnly)
{
    var n = AllowlistProbe.Measure(smoke ? 200 : 2000);
    Console.WriteLine(FormattableString.Invariant($"network allowlist per call: allowed connect {n.AllowedConnect.P50Microseconds:0.0} µs p50 / {n.AllowedConnect.P99Microseconds:0.0} µs p99 (host network {n.HostConnect.P50Microseconds:0.0} / {n.HostConnect.P99Microseconds:0.0}); lookup through the name server {n.StubLookup.P50Microseconds:0.0} / {n.StubLookup.P99Microseconds:0.0} µs (from the guest's /etc/hosts {n.FilesLookup.P50Microseconds:0.0} / {n.FilesLookup.P99Microseconds:0.0})"));
    return 0;
}

// The service (cordon-serve): its latency against the CLI's, and its throughput, embedded and over NATS.
if (serviceOnly)
{
    if (serve is null) { Console.Error.WriteLine("--service-only needs --serve PATH-TO-cordon-serve"); return 2; }
    return await ServiceFigures.RunAsync(serve, cli, smoke ? 5 : runs, smoke ? 8 : 64, smoke ? 2 : 5) == 0 ? 0 : 1;
}

// --gvisor-only: the gvisor tier against the process tier, interleaved (start cost, and 200k stat calls).
if (gvisorOnly)
{
    var (pStart, gStart, pStat, gStat) = Cordon.Benchmarks.GvisorFigures.Measure(smoke ? 3 : runs, smoke ? 1 : 3, smoke ? 20000 : 200000);
    Console.WriteLine("| scenario (library runs, interleaved) | min ms | median ms | p99 ms |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (Stats s in new[] { pStart, gStart, pStat, gStat }) Console.WriteLine(FormattableString.Invariant($"| {s.Name} | {s.Min:0.00} | {s.Median:0.00} | {s.P99:0.00} |"));
    Console.WriteLine(FormattableString.Invariant($"gvisor start cost {gStart.Median / pStart.Median:0.0}x the process tier's; syscall-heavy slowdown {gStat.Median / pStat.Median:0.0}x"));
    return 0;
}

if (jsOnly)
{
    var (warm, bare) = JavaScriptFigures(smoke ? 20 : 2000);
    Console.WriteLine(FormattableString.Invariant($"js tier, warm, a trivial script with every limit on: engine+run {warm.MedianEngineAndRunMicroseconds:0.0} µs median (target ≤ 20 µs), bare Jint engine+run {bare:0.0} µs (ratio {warm.MedianEngineAndRunMicroseconds / bare:0.00}); whole RunJavaScriptAsync {warm.MedianRunMicroseconds:0.0} µs (p99 {warm.P99RunMicroseconds:0.0})"));
    return 0;
}

double Library(string program, params string[] arguments)
{
    long start = Stopwatch.GetTimestamp();
    SandboxResult r = sandbox.RunAsync(policy, new SandboxCommand(program, arguments)).GetAwaiter().GetResult();
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    if (!r.IsSuccess) throw new InvalidOperationException($"benchmark guest failed: {r.Outcome} {r.ExitCode} {r.Detail}");
    return ms;
}

// The CPU (user + system, the whole process tree as its root reaped it) of the last Whole() run, for the CPU-per-run rows.
double? lastCpuMs = null;
double Whole(params string[] argv)
{
    var (ms, _, status, cpuMs) = ChildProcess.Run(argv);
    if (status != 0) throw new InvalidOperationException($"{string.Join(' ', argv)} exited with status {status}");
    lastCpuMs = cpuMs;
    return ms;
}

// --cgroup-v2-only: library runs on the cgroup v2 hierarchy, bwrap made in the run's cgroup (clone3) against the
// launcher joining through cgroup.procs, interleaved with the default library run and bare bwrap.
if (cgroupV2Only) return CgroupV2Scenario.Report(smoke ? 3 : runs, policy, () => Whole([.. bareBwrap, "/bin/true"]), () => Library("/bin/true"));

// --cli-only: the CLI's start and a whole `cordon run -- /bin/true` against bare bwrap (as root and as uid 65534), a
// plain exec and the NativeAOT floor, interleaved, wall and CPU per run; nothing else. --baseline-cli adds another build
// of the CLI (say, before a change) to the same interleaved rounds, for a before/after.
if (cliOnly)
{
    if (cli is null) { Console.Error.WriteLine("--cli-only needs --cli PATH-TO-cordon"); return 2; }
    bool asRoot = Environment.UserName == "root";
    var cliScenarios = new List<(string Name, string[] Argv)>
    {
        ("exec /bin/true", ["/bin/true"]),
        ("bwrap /bin/true", [.. bareBwrap, "/bin/true"]),
        ("cli version (CLI start, no sandbox)", [cli, "version"]),
        ("cli /bin/true", [cli, "run", "--quiet", "--", "/bin/true"]),
    };
    if (asRoot) cliScenarios.Add(("bwrap /bin/true as uid 65534", ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", .. bareBwrap, "/bin/true"]));
    if (aotFloor is not null) cliScenarios.Add(("NativeAOT hello world (runtime floor)", [aotFloor]));
    if (baselineCli is not null)
    {
        cliScenarios.Add(("baseline cli version", [baselineCli, "version"]));
        cliScenarios.Add(("baseline cli /bin/true", [baselineCli, "run", "--quiet", "--", "/bin/true"]));
    }

    foreach (var (_, argv) in cliScenarios) Whole(argv);
    var wall = cliScenarios.ToDictionary(s => s.Name, _ => new List<double>());
    var cpu = cliScenarios.ToDictionary(s => s.Name, _ => new List<double>());
    var order = new Random(42);
    for (int round = 0; round < runs; round++)
    {
        foreach (var (name, argv) in cliScenarios.OrderBy(_ => order.Next()))
        {
            wall[name].Add(Whole(argv));
            cpu[name].Add(lastCpuMs!.Value);
        }
    }

    Console.WriteLine($"Cordon CLI benchmark: {runs} interleaved rounds, {Environment.ProcessorCount} CPUs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine("| scenario | wall min ms | wall median ms | wall p99 ms | CPU median ms |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var (name, _) in cliScenarios)
    {
        Stats w = Stats.Of(name, wall[name]), c = Stats.Of(name, cpu[name]);
        Console.WriteLine(FormattableString.Invariant($"| {name} | {w.Min:0.00} | {w.Median:0.00} | {w.P99:0.00} | {c.Median:0.00} |"));
    }

    double WallOf(string name) => Stats.Of(name, wall[name]).Median;
    double CpuOf(string name) => Stats.Of(name, cpu[name]).Median;
    Console.WriteLine(FormattableString.Invariant($"cli /bin/true ÷ bwrap /bin/true: {WallOf("cli /bin/true") / WallOf("bwrap /bin/true"):0.00}"));
    if (asRoot)
    {
        Console.WriteLine(FormattableString.Invariant($"cli /bin/true ÷ bwrap as uid 65534: {WallOf("cli /bin/true") / WallOf("bwrap /bin/true as uid 65534"):0.00} (target ≤ 1.5)"));
        Console.WriteLine(FormattableString.Invariant($"cli CPU per run ÷ bwrap as uid 65534 CPU per run: {CpuOf("cli /bin/true") / CpuOf("bwrap /bin/true as uid 65534"):0.00} (target ≤ 1.5)"));
    }

    if (aotFloor is not null)
        Console.WriteLine(FormattableString.Invariant($"cli version ÷ NativeAOT hello world: {WallOf("cli version (CLI start, no sandbox)") / WallOf("NativeAOT hello world (runtime floor)"):0.00} wall, {CpuOf("cli version (CLI start, no sandbox)") / CpuOf("NativeAOT hello world (runtime floor)"):0.00} CPU"));
    if (baselineCli is not null)
    {
        Console.WriteLine(FormattableString.Invariant($"cli /bin/true ÷ baseline cli /bin/true: {WallOf("cli /bin/true") / WallOf("baseline cli /bin/true"):0.00} wall, {CpuOf("cli /bin/true") / CpuOf("baseline cli /bin/true"):0.00} CPU"));
        Console.WriteLine(FormattableString.Invariant($"cli version ÷ baseline cli version: {WallOf("cli version (CLI start, no sandbox)") / WallOf("baseline cli version"):0.00} wall, {CpuOf("cli version (CLI start, no sandbox)") / CpuOf("baseline cli version"):0.00} CPU"));
        if (asRoot) Console.WriteLine(FormattableString.Invariant($"baseline cli /bin/true ÷ bwrap as uid 65534: {WallOf("baseline cli /bin/true") / WallOf("bwrap /bin/true as uid 65534"):0.00} wall, {CpuOf("baseline cli /bin/true") / CpuOf("bwrap /bin/true as uid 65534"):0.00} CPU"));
    }

    return 0;
}

// Before/after of the two kernel-path fixes, in the same interleaved run: joining v1 cgroups through cgroup.procs
// (an RCU grace period on the first write) instead of tasks, and seccomp wake-ups without the synchronous hand-off.
var before = new ProcessSandbox(new ProcessBackendOptions { Baselines = new Cordon.Backends.Process.Supervision.SpeedBaselines(AsynchronousSeccompWakeups: true, JoinCgroupThroughProcs: true) });
double LibraryBefore(string program, params string[] arguments)
{
    long start = Stopwatch.GetTimestamp();
    SandboxResult r = before.RunAsync(policy, new SandboxCommand(program, arguments)).GetAwaiter().GetResult();
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    if (!r.IsSuccess) throw new InvalidOperationException($"benchmark guest failed: {r.Outcome} {r.ExitCode} {r.Detail}");
    return ms;
}

var scenarios = new List<(string Name, Func<double> Measure)>
{
    ("library /bin/true, before the kernel-path fixes", () => LibraryBefore("/bin/true")),
    ("exec /bin/true", () => Whole("/bin/true")),
    ("bwrap /bin/true", () => Whole([.. bareBwrap, "/bin/true"])),
    ("library /bin/true", () => Library("/bin/true")),
    ("python3 -c pass", () => Whole(Python, "-c", "pass")),
    ("bwrap python3 -c pass", () => Whole([.. bareBwrap, Python, "-c", "pass"])),
    ("library python3 -c pass", () => Library(Python, "-c", "pass")),
};
// As root, Cordon drops each run to a host uid of its own before bwrap (ProcessBackendOptions.RunIdentities); bwrap run
// unprivileged pays for an unprivileged user namespace, so bwrap as uid 65534 is measured too, the like-for-like baseline.
bool isRoot = Environment.UserName == "root";
string[] bwrapAsNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", .. bareBwrap, "/bin/true"];
if (isRoot) scenarios.Add(("bwrap /bin/true as uid 65534", () => Whole(bwrapAsNobody)));
if (aotFloor is not null) scenarios.Add(("NativeAOT hello world (runtime floor)", () => Whole(aotFloor)));
// The warm pool (pre-built sandboxes of the same policy); its refill is waited for before every measurement.
using WarmPoolScenario? warmPool = loop is null ? new WarmPoolScenario(policy) : null;
if (warmPool is not null) scenarios.Add(("library /bin/true, warm pool", warmPool.Run));
// --warm-only: the warm pool against its baselines alone, interleaved, for a short run.
if (warmOnly) scenarios.RemoveAll(s => s.Name is not ("exec /bin/true" or "bwrap /bin/true" or "bwrap /bin/true as uid 65534" or "library /bin/true" or "library /bin/true, warm pool"));
// The cgroup v2 join, before and after (on a hybrid host, on the cgroup2 mount's own controllers).
string? cgroupV2Skipped = smoke ? "smoke mode" : null;
using CgroupV2Scenario? cgroupV2 = smoke || warmOnly || loop is not null ? null : CgroupV2Scenario.TryCreate(policy, out cgroupV2Skipped);
if (cgroupV2 is not null)
{
    scenarios.Add((CgroupV2Scenario.CloneInto, cgroupV2.RunCloneInto));
    scenarios.Add((CgroupV2Scenario.ThroughProcs, cgroupV2.RunThroughProcs));
}

// Peers with their own layers, when installed: crun with cgroups (memory and pids limits) and firejail.
string? crunSkipped = smoke ? "smoke mode" : null;
using CrunBaseline? crun = smoke || warmOnly || loop is not null ? null : CrunBaseline.TryCreate(out crunSkipped);
if (crun is not null)
{
    scenarios.Add(("crun run /bin/true (cgroups on)", () => Whole(crun.RunArgv())));
    scenarios.Add(("crun's mount-namespace wrapper alone", () => Whole(crun.WrapperOnlyArgv())));
}

const string Firejail = "/usr/bin/firejail";
bool hasFirejail = File.Exists(Firejail) && isRoot && !smoke && !warmOnly;
string[] firejailTrue = [Firejail, "--quiet", "--noprofile", "--net=none", "--caps.drop=all", "--seccomp", "--nonewprivs", "--private-tmp", "--private-dev", "/bin/true"];
if (hasFirejail) scenarios.Add(("firejail /bin/true", () => Whole(firejailTrue)));
// The image tier: the same sandbox with an image's root instead of the host's /usr, through the library and the CLI
// (--image reads and verifies the manifest and finds the root by its chain id each run; --rootfs skips that), and
// runc with the same root, as root.
string? imageSkipped = smoke ? "smoke mode" : null;
using ImageBaseline? image = smoke || warmOnly || loop is not null ? null : ImageBaseline.TryCreate(out imageSkipped);
if (image is not null)
{
    SandboxPolicy imagePolicy = new SandboxPolicyBuilder().WithRoot(FilesystemRoot.Image(image.Rootfs)).Build();
    scenarios.Add(("library busybox true", () => Library(ImageBaseline.Guest[0], ImageBaseline.Guest[1])));
    scenarios.Add(("library busybox true, image root", () =>
    {
        long start = Stopwatch.GetTimestamp();
        SandboxResult r = sandbox.RunAsync(imagePolicy, new SandboxCommand(ImageBaseline.Guest[0], [ImageBaseline.Guest[1]])).GetAwaiter().GetResult();
        if (!r.IsSuccess) throw new InvalidOperationException($"image guest failed: {r.Outcome} {r.ExitCode} {r.Detail}");
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }));
    if (image.RuncBundle is not null) scenarios.Add(("runc run busybox true (same root, cgroups on)", () => Whole(image.RuncArgv())));
    if (cli is not null)
    {
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", image.CacheHome);
        scenarios.Add(("cli busybox true", () => Whole([cli, "run", "--quiet", "--", .. ImageBaseline.Guest])));
        scenarios.Add(("cli --image busybox true", () => Whole([cli, "run", "--quiet", "--image", image.Layout + ":bench", "--", .. ImageBaseline.Guest])));
        scenarios.Add(("cli --rootfs busybox true", () => Whole([cli, "run", "--quiet", "--rootfs", image.Rootfs, "--", .. ImageBaseline.Guest])));
    }
}

// The gvisor tier's start cost beside the process tier's library run (bench/run --gvisor-only adds the syscall-heavy figure).
var gvisorTier = new Cordon.Backends.Gvisor.Tier.GvisorTier();
if (!smoke && !warmOnly && File.Exists("/usr/bin/runsc"))
    scenarios.Add(("gvisor tier /bin/true (library)", () =>
    {
        long start = Stopwatch.GetTimestamp();
        SandboxResult r = gvisorTier.Run(policy, new SandboxCommand("/bin/true"), Cordon.Tiers.TierSettings.None, CancellationToken.None);
        if (!r.IsSuccess) throw new InvalidOperationException($"gvisor guest failed: {r.Outcome} {r.Detail}");
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }));
if (cli is not null && !warmOnly)
{
    scenarios.Add(("cli version (CLI start, no sandbox)", () => Whole(cli, "version")));
    scenarios.Add(("cli /bin/true", () => Whole(cli, "run", "--quiet", "--", "/bin/true")));
    scenarios.Add(("cli python3 -c pass", () => Whole(cli, "run", "--quiet", "--", Python, "-c", "pass")));
}

// Refused-call latency, measured per call inside the guest by a static C program: a call the filter sends to the
// supervisor (ptrace, answered EPERM by user notification), with and without synchronous wake-ups, against a call the
// filter refuses in the kernel itself (clone3, ENOSYS).
RefusedCallLatency refusedSync = default, refusedAsync = default, refusedInKernel = default;
// A network allowlist: an allowed connect and a name lookup through the sandbox's name server, against their baselines.
(RefusedCallLatency AllowedConnect, RefusedCallLatency HostConnect, RefusedCallLatency StubLookup, RefusedCallLatency FilesLookup) allowlist = default;
if (loop is null && !warmOnly)
{
    int calls = smoke ? 1000 : 20000;
    string probeDir = RefusedCallProbe.Build();
    SandboxPolicy probePolicy = new SandboxPolicyBuilder().MountReadOnly(probeDir, "/probe").WithWallTime(TimeSpan.FromMinutes(5)).WithCpuTime(TimeSpan.FromMinutes(5)).Build();
    refusedInKernel = RefusedCallProbe.Measure(sandbox, probePolicy, 435, calls);
    refusedSync = RefusedCallProbe.Measure(sandbox, probePolicy, 101, calls);
    refusedAsync = RefusedCallProbe.Measure(before, probePolicy, 101, calls);
    // Interleave a second round, since the machine is noisy.
    refusedSync = RefusedCallLatency.Better(refusedSync, RefusedCallProbe.Measure(sandbox, probePolicy, 101, calls));
    refusedAsync = RefusedCallLatency.Better(refusedAsync, RefusedCallProbe.Measure(before, probePolicy, 101, calls));
    Directory.Delete(probeDir, recursive: true);
    allowlist = AllowlistProbe.Measure(smoke ? 200 : 2000);
}

// --loop N: only N sequential library runs of /bin/true and their CPU cost, to profile the warm path
// (e.g. perf record -a -g -- dotnet Cordon.Benchmarks.dll --loop 300).
if (loop is { } count)
{
    Library("/bin/true");
    TimeSpan cpuBefore = ChildProcess.CpuTimeSelfAndChildren();
    long loopStart = Stopwatch.GetTimestamp();
    for (int i = 0; i < count; i++) Library("/bin/true");
    double wallMs = Stopwatch.GetElapsedTime(loopStart).TotalMilliseconds / count;
    double cpuMs = (ChildProcess.CpuTimeSelfAndChildren() - cpuBefore).TotalMilliseconds / count;
    Console.WriteLine(FormattableString.Invariant($"library /bin/true: {wallMs:0.00} ms wall, {cpuMs:0.00} ms CPU (supervisor + reaped chain) per run"));
    return 0;
}

// Warm-up: JIT, seccomp filter cache, page cache.
foreach (var (_, measure) in scenarios)
{
    warmPool?.Settle();
    measure();
}

timings.Clear();

var samples = scenarios.ToDictionary(s => s.Name, _ => new List<double>());
var cpuSamples = scenarios.ToDictionary(s => s.Name, _ => new List<double>());
var shuffle = new Random(42);
for (int round = 0; round < runs; round++)
{
    foreach (var (name, measure) in scenarios.OrderBy(_ => shuffle.Next()))
    {
        lastCpuMs = null;
        warmPool?.Settle();
        samples[name].Add(measure());
        if (lastCpuMs is { } cpuMs) cpuSamples[name].Add(cpuMs);
    }
}

// CPU per run (user + system of the whole process tree, from wait4), for every scenario that is a whole process.
List<Stats> cpuPerRun = [.. scenarios.Where(s => cpuSamples[s.Name].Count > 0).Select(s => Stats.Of(s.Name, cpuSamples[s.Name]))];
double? CpuMedian(string name) => cpuPerRun.FirstOrDefault(s => s.Name == name)?.Median;

List<Stats> latency = [.. scenarios.Select(s => Stats.Of(s.Name, samples[s.Name]))];
// The per-phase split of the sequential library runs only (the throughput runs below overlap each other).
RunTimings[] sequentialTimings = [.. timings];
double Median(string name) => latency.First(s => s.Name == name).Median;
if (warmPool is not null)
{
    Stats warmToGuest = Stats.Of("warm pool: command sent → guest exec", [.. warmPool.Timings.Select(t => t.UntilGuestExec.TotalMilliseconds)]);
    Stats warmTeardown = Stats.Of("warm pool: teardown (guest exit → result)", [.. warmPool.Timings.Select(t => t.Teardown.TotalMilliseconds)]);
    latency.AddRange([warmToGuest, warmTeardown]);
}

if (warmOnly)
{
    Console.WriteLine($"Cordon warm-pool benchmark: {runs} interleaved rounds, {Environment.ProcessorCount} CPUs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine("| scenario | min ms | median ms | p99 ms |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (Stats s in latency) Console.WriteLine(FormattableString.Invariant($"| {s.Name} | {s.Min:0.00} | {s.Median:0.00} | {s.P99:0.00} |"));
    Console.WriteLine(FormattableString.Invariant($"warm-pool run ÷ bare bwrap: {Median("library /bin/true, warm pool") / Median("bwrap /bin/true"):0.00}; ÷ library cold: {Median("library /bin/true, warm pool") / Median("library /bin/true"):0.00}"));
    if (isRoot) Console.WriteLine(FormattableString.Invariant($"warm-pool run ÷ bare bwrap as uid 65534: {Median("library /bin/true, warm pool") / Median("bwrap /bin/true as uid 65534"):0.00} (target ≤ 0.5)"));
    return 0;
}

// Throughput: completed runs per second at 1, 2 and 8 concurrent runs, library against bare bwrap.
TimeSpan window = smoke ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromSeconds(3);
var throughput = new List<(int Concurrency, double Library, double Bwrap, double? BwrapUnprivileged)>();
foreach (int concurrency in new[] { 1, 2, 8 })
{
    double lib = Throughput(concurrency, () => Library("/bin/true"));
    double bw = Throughput(concurrency, () => Whole([.. bareBwrap, "/bin/true"]));
    // Like for like as root: bwrap as the unprivileged user Cordon's sandboxes run as (an unprivileged user namespace costs CPU).
    double? bwUser = isRoot ? Throughput(concurrency, () => Whole(bwrapAsNobody)) : null;
    throughput.Add((concurrency, lib, bw, bwUser));
}

// The warm pool's idle members, and the cgroup v2 scenario's cgroup for the launcher alone, are held until disposed:
// dispose them first, so that what is counted is what leaked.
warmPool?.Dispose();
cgroupV2?.Dispose();
int leftoverCgroups = Directory.EnumerateDirectories("/sys/fs/cgroup", $"cordon-{Environment.ProcessId}-*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 5, IgnoreInaccessible = true }).Count();

// Memory: supervisor overhead per concurrent sandbox, and the output cap bounding capture memory.
double perSandboxKiB = SupervisorOverheadKiB(8);
long floodAllocated = FloodAllocation();
long? cliPeakRssKiB = cli is null ? null : ChildProcess.PeakRssKiB([cli, "run", "--quiet", "--", "/bin/true"]);
var (wasmOnDemand, wasmPooled, wasmRun, wasmInside, wasmtimeAlone) = WasmFigures(smoke ? 20 : 2000);

var (jsWarm, jsBareEngineMicroseconds) = JavaScriptFigures(smoke ? 20 : 2000);

Stats teardown = Stats.Of("teardown (guest exit → result)", [.. sequentialTimings.Select(t => t.Teardown.TotalMilliseconds)]);
Stats toGuest = Stats.Of("spawn → guest exec (bwrap, cgroup join, seccomp)", [.. sequentialTimings.Select(t => t.UntilGuestExec.TotalMilliseconds)]);
Stats setup = Stats.Of("setup (cgroup, pipes)", [.. sequentialTimings.Select(t => t.Setup.TotalMilliseconds)]);

Console.WriteLine($"Cordon benchmark: {runs} interleaved rounds, {Environment.ProcessorCount} CPUs, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine("| scenario | min ms | median ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (Stats s in latency.Concat([setup, toGuest, teardown])) Console.WriteLine(FormattableString.Invariant($"| {s.Name} | {s.Min:0.00} | {s.Median:0.00} | {s.P99:0.00} |"));
Console.WriteLine();
Console.WriteLine("| CPU per run (user + system, whole process tree) | min ms | median ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (Stats s in cpuPerRun) Console.WriteLine(FormattableString.Invariant($"| {s.Name} | {s.Min:0.00} | {s.Median:0.00} | {s.P99:0.00} |"));
Console.WriteLine();
if (crun is not null) Console.WriteLine($"crun runs in a private mount namespace with {(crun.Hidden.Count == 0 ? "nothing" : string.Join(", ", crun.Hidden))} detached (crun 1.8 refuses hybrid cgroup mode)");
else if (crunSkipped is not null) Console.WriteLine($"crun baseline skipped: {crunSkipped}");
Console.WriteLine();
var ratios = new List<(string Name, double Value, double? Target)>
{
    ("library /bin/true ÷ bwrap /bin/true", Median("library /bin/true") / Median("bwrap /bin/true"), 1.25),
    ("library python3 ÷ plain python3", Median("library python3 -c pass") / Median("python3 -c pass"), 1.6),
    ("library /bin/true ÷ library before the kernel-path fixes", Median("library /bin/true") / Median("library /bin/true, before the kernel-path fixes"), null),
    ("refused call p50 µs (user notification, synchronous wake-ups)", refusedSync.P50Microseconds, 10),
    ("refused call p99 µs (user notification, synchronous wake-ups)", refusedSync.P99Microseconds, 20),
    ("refused call p50 ÷ before (asynchronous wake-ups)", refusedSync.P50Microseconds / refusedAsync.P50Microseconds, null),
    ("refused call p50 ÷ refused in the kernel (errno, no notification)", refusedSync.P50Microseconds / refusedInKernel.P50Microseconds, null),
};
if (cgroupV2 is not null)
    ratios.Add(("library on cgroup v2: clone3 into the cgroup ÷ through cgroup.procs", Median(CgroupV2Scenario.CloneInto) / Median(CgroupV2Scenario.ThroughProcs), null));
else if (cgroupV2Skipped is not null) Console.WriteLine($"cgroup v2 scenario skipped: {cgroupV2Skipped}");
if (cli is not null)
{
    ratios.Add(("cli /bin/true ÷ bwrap /bin/true", Median("cli /bin/true") / Median("bwrap /bin/true"), 1.5));
    ratios.Add(("cli python3 ÷ plain python3", Median("cli python3 -c pass") / Median("python3 -c pass"), 1.6));
}

if (isRoot)
{
    ratios.Add(("library /bin/true ÷ bwrap as uid 65534", Median("library /bin/true") / Median("bwrap /bin/true as uid 65534"), null));
    if (warmPool is not null) ratios.Add(("warm-pool run ÷ bwrap as uid 65534", Median("library /bin/true, warm pool") / Median("bwrap /bin/true as uid 65534"), 0.5));
    if (cli is not null) ratios.Add(("cli /bin/true ÷ bwrap as uid 65534", Median("cli /bin/true") / Median("bwrap /bin/true as uid 65534"), null));
}

if (cli is not null && crun is not null)
{
    // crun without its wrapper: the wrapper's own cost over a plain exec is taken off.
    double crunNet = Median("crun run /bin/true (cgroups on)") - (Median("crun's mount-namespace wrapper alone") - Median("exec /bin/true"));
    ratios.Add(("cli /bin/true ÷ crun run with cgroups (less its wrapper)", Median("cli /bin/true") / crunNet, 1.0));
}

if (image is not null)
{
    ratios.Add(("library image root ÷ library host root (busybox true)", Median("library busybox true, image root") / Median("library busybox true"), null));
    if (cli is not null)
    {
        ratios.Add(("cli --image ÷ cli host root (busybox true)", Median("cli --image busybox true") / Median("cli busybox true"), null));
        ratios.Add(("cli --rootfs ÷ cli host root (busybox true)", Median("cli --rootfs busybox true") / Median("cli busybox true"), null));
        if (image.RuncBundle is not null)
        {
            ratios.Add(("cli --image ÷ runc run, same root", Median("cli --image busybox true") / Median("runc run busybox true (same root, cgroups on)"), null));
            ratios.Add(("cli --rootfs ÷ runc run, same root", Median("cli --rootfs busybox true") / Median("runc run busybox true (same root, cgroups on)"), null));
        }
    }
}
else if (imageSkipped is not null) Console.WriteLine($"image baselines skipped: {imageSkipped}");

if (cli is not null && hasFirejail) ratios.Add(("cli /bin/true ÷ firejail", Median("cli /bin/true") / Median("firejail /bin/true"), 1.0));
if (cli is not null && isRoot && CpuMedian("cli /bin/true") is { } cliCpu && CpuMedian("bwrap /bin/true as uid 65534") is { } bwrapCpu)
    ratios.Add(("cli CPU per run ÷ bwrap as uid 65534 CPU per run", cliCpu / bwrapCpu, 1.5));
ratios.Add(("wasm warm instantiate+run µs (pooled, Run on the caller's thread)", wasmInside.Median, 20));
ratios.Add(("wasm Run whole ÷ Wasmtime alone (same thread, stdout to a file)", wasmRun.Median / wasmtimeAlone.Median, null));
if (cli is not null && aotFloor is not null)
    ratios.Add(("cli version ÷ NativeAOT hello world", Median("cli version (CLI start, no sandbox)") / Median("NativeAOT hello world (runtime floor)"), null));
foreach (var (c, lib, bw, _) in throughput) ratios.Add(($"throughput ×{c}: library ÷ bwrap", lib / bw, c == 2 ? 0.7 : null));
foreach (var (c, lib, _, bwUser) in throughput.Where(t => t.BwrapUnprivileged is not null))
    ratios.Add(($"throughput ×{c}: library ÷ bwrap as uid 65534", lib / bwUser!.Value, null));
Console.WriteLine("| ratio (medians, same run) | value | target |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, value, target) in ratios)
{
    string verdict = target is null ? "—" : (name.StartsWith("throughput", StringComparison.Ordinal) ? value >= target : value <= target) ? $"{target} met" : $"{target} MISSED by {(name.StartsWith("throughput", StringComparison.Ordinal) ? target.Value / value : value / target.Value):0.00}×";
    // Microsecond rows are absolute values (the per-call floor), the others ratios.
    Console.WriteLine(FormattableString.Invariant($"| {name} | {value:0.00} | {verdict} |"));
}

Console.WriteLine();
Console.WriteLine("| throughput (runs/s) | library | bare bwrap | bare bwrap as uid 65534 |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (c, lib, bw, bwUser) in throughput)
    Console.WriteLine(FormattableString.Invariant($"| {c} concurrent | {lib:0.0} | {bw:0.0} | {(bwUser is { } u ? u.ToString("0.0", CultureInfo.InvariantCulture) : "—")} |"));
Console.WriteLine();
if (cli is not null)
{
    // The CLI's cost over the warm library path: a cold process (runtime start, first-use work), not the sandbox.
    Console.WriteLine(FormattableString.Invariant($"cli /bin/true − library /bin/true: {Median("cli /bin/true") - Median("library /bin/true"):0.00} ms (of which cli start without a sandbox: {Median("cli version (CLI start, no sandbox)") - Median("exec /bin/true"):0.00} ms over a plain exec)"));
}

Console.WriteLine(FormattableString.Invariant($"supervisor memory per concurrent sandbox: {perSandboxKiB:0} KiB (target ≤ 2048 KiB)"));
Console.WriteLine(FormattableString.Invariant($"managed allocation while capturing a 1 GiB flood with a 1 MiB cap: {floodAllocated / 1024.0 / 1024.0:0.0} MiB"));
if (cliPeakRssKiB is { } rss) Console.WriteLine(FormattableString.Invariant($"CLI peak RSS (whole process, cordon run -- /bin/true): {rss / 1024.0:0.0} MiB"));
Console.WriteLine(FormattableString.Invariant($"wasm tier, warm, trivial WASI module, RunAsync: instantiate+run {wasmPooled.MedianInstantiateAndRunMicroseconds:0.0} µs median pooled (the default; {wasmOnDemand.MedianInstantiateAndRunMicroseconds:0.0} µs on demand); whole RunAsync {wasmPooled.MedianRunMicroseconds:0.0} µs pooled ({wasmOnDemand.MedianRunMicroseconds:0.0} µs on demand)"));
Console.WriteLine(FormattableString.Invariant($"wasm tier, Run on the caller's thread, interleaved with Wasmtime alone: instantiate+run {wasmInside.Median:0.0} µs (p99 {wasmInside.P99:0.0}), whole Run {wasmRun.Median:0.0} µs (p99 {wasmRun.P99:0.0}); Wasmtime alone (store, WASI to files, instantiate, _start) {wasmtimeAlone.Median:0.0} µs (p99 {wasmtimeAlone.P99:0.0}), of which instantiate+_start {Stats.Of("bare", wasmBareInside).Median:0.0} µs"));
Console.WriteLine(FormattableString.Invariant($"refused call per call: notified {refusedSync.P50Microseconds:0.0} µs p50 / {refusedSync.P99Microseconds:0.0} µs p99; before (asynchronous wake-ups) {refusedAsync.P50Microseconds:0.0} / {refusedAsync.P99Microseconds:0.0} µs; in-kernel errno {refusedInKernel.P50Microseconds:0.00} / {refusedInKernel.P99Microseconds:0.00} µs"));
Console.WriteLine(FormattableString.Invariant($"js tier, warm, a trivial script with every limit on: engine+run {jsWarm.MedianEngineAndRunMicroseconds:0.0} µs median (target ≤ 20 µs), bare Jint engine+run {jsBareEngineMicroseconds:0.0} µs (ratio {jsWarm.MedianEngineAndRunMicroseconds / jsBareEngineMicroseconds:0.00}); whole RunJavaScriptAsync {jsWarm.MedianRunMicroseconds:0.0} µs"));
Console.WriteLine(FormattableString.Invariant($"network allowlist per call: allowed connect {allowlist.AllowedConnect.P50Microseconds:0.0} µs p50 / {allowlist.AllowedConnect.P99Microseconds:0.0} µs p99 (host network {allowlist.HostConnect.P50Microseconds:0.0} / {allowlist.HostConnect.P99Microseconds:0.0}); lookup through the name server {allowlist.StubLookup.P50Microseconds:0.0} / {allowlist.StubLookup.P99Microseconds:0.0} µs (from the guest's /etc/hosts {allowlist.FilesLookup.P50Microseconds:0.0} / {allowlist.FilesLookup.P99Microseconds:0.0})"));
Console.WriteLine($"leftover cgroups after the run: {leftoverCgroups}");
int serviceErrors = serve is null ? 0 : await ServiceFigures.RunAsync(serve, cli, runs, smoke ? 8 : 64, smoke ? 2 : 5);

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
File.WriteAllText(jsonPath, JsonSerializer.Serialize(new
{
    runs,
    cpus = Environment.ProcessorCount,
    latency = latency.Concat([setup, toGuest, teardown]).Select(s => new { s.Name, s.Count, s.Min, s.Median, s.P99 }),
    cpuPerRunMilliseconds = cpuPerRun.Select(s => new { s.Name, s.Count, s.Min, s.Median, s.P99 }),
    ratios = ratios.Select(r => new { r.Name, r.Value, r.Target }),
    throughput = throughput.Select(t => new { t.Concurrency, libraryPerSecond = t.Library, bwrapPerSecond = t.Bwrap, bwrapAsUid65534PerSecond = t.BwrapUnprivileged }),
    supervisorKiBPerSandbox = perSandboxKiB,
    floodManagedAllocationBytes = floodAllocated,
    cliPeakRssKiB,
    leftoverCgroups,
    wasmWarmInstantiateAndRunMicroseconds = wasmOnDemand.MedianInstantiateAndRunMicroseconds,
    wasmWarmPooledInstantiateAndRunMicroseconds = wasmPooled.MedianInstantiateAndRunMicroseconds,
    wasmWarmRunAsyncMicroseconds = wasmPooled.MedianRunMicroseconds,
    wasmWarmOnDemandRunAsyncMicroseconds = wasmOnDemand.MedianRunMicroseconds,
    wasmRunOnCallerThread = new { instantiateAndRunMicroseconds = wasmInside.Median, wholeMicroseconds = wasmRun.Median, wasmtimeAloneMicroseconds = wasmtimeAlone.Median, wasmtimeAloneInstantiateAndRunMicroseconds = Stats.Of("bare", wasmBareInside).Median },
    refusedCall = new { notifiedP50 = refusedSync.P50Microseconds, notifiedP99 = refusedSync.P99Microseconds, beforeP50 = refusedAsync.P50Microseconds, beforeP99 = refusedAsync.P99Microseconds, inKernelP50 = refusedInKernel.P50Microseconds, inKernelP99 = refusedInKernel.P99Microseconds },
    networkAllowlist = new
    {
        allowedConnectP50 = allowlist.AllowedConnect.P50Microseconds, allowedConnectP99 = allowlist.AllowedConnect.P99Microseconds,
        hostConnectP50 = allowlist.HostConnect.P50Microseconds, hostConnectP99 = allowlist.HostConnect.P99Microseconds,
        stubLookupP50 = allowlist.StubLookup.P50Microseconds, stubLookupP99 = allowlist.StubLookup.P99Microseconds,
        filesLookupP50 = allowlist.FilesLookup.P50Microseconds, filesLookupP99 = allowlist.FilesLookup.P99Microseconds,
    },
    jsWarmEngineAndRunMicroseconds = jsWarm.MedianEngineAndRunMicroseconds,
    jsBareEngineAndRunMicroseconds = jsBareEngineMicroseconds,
    jsWarmRunAsyncMicroseconds = jsWarm.MedianRunMicroseconds,
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"figures written to {jsonPath}");
return leftoverCgroups == 0 && serviceErrors == 0 ? 0 : 1;

// The Wasm tier: RunAsync warm (on demand, pooled), then Run on this thread interleaved with Wasmtime alone.
(Cordon.Backends.Wasm.WasmWarmRunMeasurement OnDemand, Cordon.Backends.Wasm.WasmWarmRunMeasurement Pooled, Stats Run, Stats Inside, Stats Bare) WasmFigures(int iterations)
{
    string helloWasm = Path.Combine(FindRepository(), "examples", "hello.wasm");
    // The Wasm tier, warm and in process: instantiate + run of a trivial WASI module (published Wasmtime figures: single-digit µs with pooling).
    Cordon.Backends.Wasm.WasmWarmRunMeasurement wasmOnDemand, wasmPooled;
    using (var wasm = new Cordon.Backends.Wasm.WasmSandboxBackend(Cordon.Backends.Wasm.WasmBackendOptions.Default.WithoutPoolingAllocator()))
    {
        wasmOnDemand = Cordon.Backends.Wasm.WasmWarmRunMeasurement.MeasureAsync(wasm, policy, new SandboxCommand(helloWasm), Math.Max(20, iterations / 2)).GetAwaiter().GetResult();
    }

    // The default backend (pooling on) through RunAsync (a hand-off to a worker and back), then the synchronous Run on
    // this thread (the main thread, whose stack lets the module run here) interleaved run by run with Wasmtime alone.
    var (wasmSyncWhole, wasmSyncInside, wasmBare) = (new List<double>(), new List<double>(), new List<double>());
    wasmBareInside = [];
    using (var wasm = new Cordon.Backends.Wasm.WasmSandboxBackend())
    using (var bareWasmtime = new BareWasmtime(helloWasm, wasm.Options.MaxConcurrentRuns, wasm.Options.PoolingMemoryBytesPerInstance!.Value))
    {
        wasmPooled = Cordon.Backends.Wasm.WasmWarmRunMeasurement.MeasureAsync(wasm, policy, new SandboxCommand(helloWasm), Math.Max(20, iterations / 2)).GetAwaiter().GetResult();
        var hello = new SandboxCommand(helloWasm);
        for (int i = -Math.Max(10, iterations / 10); i < iterations; i++)
        {
            bool bareFirst = (i & 1) == 0;
            double bare = bareFirst ? bareWasmtime.RunOnce() : 0;
            long start = Stopwatch.GetTimestamp();
            SandboxResult r = wasm.Run(policy, hello);
            double whole = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!bareFirst) bare = bareWasmtime.RunOnce();
            if (!r.IsSuccess) throw new InvalidOperationException($"wasm benchmark run failed: {r.Outcome} {r.Detail}");
            if (i < 0) continue;
            wasmSyncWhole.Add(whole);
            wasmSyncInside.Add(r.WallTime.TotalMicroseconds);
            wasmBare.Add(bare);
        wasmBareInside.Add(bareWasmtime.LastInstantiateAndRunMicroseconds);
        }
    }

    return (wasmOnDemand, wasmPooled, Stats.Of("wasm Run, whole (µs)", wasmSyncWhole), Stats.Of("wasm Run, instantiate+run (µs)", wasmSyncInside), Stats.Of("Wasmtime alone (µs)", wasmBare));
}

// The JavaScript tier, warm and in process: a fresh engine with every limit on, plus a trivial script (target ≤ 20 µs),
// against the bare engine in the same run (Jint with the same constraints, no Cordon globals, guards or watchdog).
(Cordon.Backends.JavaScript.JavaScriptWarmRunMeasurement Warm, double BareMicroseconds) JavaScriptFigures(int iterations)
{
    const string Trivial = "console.log('hello, ' + (1 + 1));\n";
    string script = Path.Combine(Path.GetTempPath(), $"cordon-bench-{Environment.ProcessId}.js");
    File.WriteAllText(script, Trivial);
    try
    {
        using var js = new Cordon.Backends.JavaScript.JavaScriptSandboxBackend();
        var warm = Cordon.Backends.JavaScript.JavaScriptWarmRunMeasurement.MeasureAsync(js, policy, new SandboxCommand(script), iterations).GetAwaiter().GetResult();
        return (warm, BareJintMicroseconds(Trivial, iterations));
    }
    finally
    {
        File.Delete(script);
    }
}

// The baseline: Jint alone, same constraints, a prepared script, console.log as a no-op, on this thread.
static double BareJintMicroseconds(string source, int iterations)
{
    var prepared = Jint.Engine.PrepareScript(source, "hello.js");
    var samples = new double[iterations];
    for (int i = -Math.Max(10, iterations / 10); i < iterations; i++)
    {
        long start = Stopwatch.GetTimestamp();
        var engine = new Jint.Engine(o =>
        {
            o.TimeoutInterval(TimeSpan.FromSeconds(10)).LimitMemory(256L << 20).MaxStatements(1_000_000).LimitRecursion(1000);
            o.AgentCanSuspend = false;
        });
        var console = new Jint.Native.JsObject(engine);
        console.FastSetProperty("log", new Jint.Runtime.Descriptors.PropertyDescriptor(
            new Jint.Runtime.Interop.ClrFunction(engine, "log", (_, _) => Jint.Native.JsValue.Undefined), Jint.Runtime.Descriptors.PropertyFlag.Enumerable));
        engine.SetValue("console", console);
        engine.SetValue("args", new Jint.Native.JsArray(engine));
        engine.Execute(in prepared);
        if (i >= 0) samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    Array.Sort(samples);
    return samples[iterations / 2];
}

double Throughput(int concurrency, Func<double> one)
{
    int completed = 0;
    var clock = Stopwatch.StartNew();
    Thread[] workers = [.. Enumerable.Range(0, concurrency).Select(_ => new Thread(() =>
    {
        while (clock.Elapsed < window)
        {
            one();
            Interlocked.Increment(ref completed);
        }
    }))];
    foreach (Thread t in workers) t.Start();
    foreach (Thread t in workers) t.Join();
    return completed / clock.Elapsed.TotalSeconds;
}

double SupervisorOverheadKiB(int concurrent)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    long idle = RssKiB();
    Task<SandboxResult>[] running = [.. Enumerable.Range(0, concurrent).Select(_ => sandbox.RunAsync(policy, new SandboxCommand("sleep", ["1"])))];
    Thread.Sleep(600);
    long busy = RssKiB();
    Task.WaitAll(running);
    return (busy - idle) / (double)concurrent;
}

long FloodAllocation()
{
    long before = GC.GetTotalAllocatedBytes(precise: true);
    sandbox.RunAsync(policy, new SandboxCommand("head", ["-c", smoke ? "67108864" : "1073741824", "/dev/zero"])).GetAwaiter().GetResult();
    return GC.GetTotalAllocatedBytes(precise: true) - before;
}

static string FindRepository()
{
    string? dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "Cordon.slnx"))) dir = Path.GetDirectoryName(dir);
    return dir ?? Environment.CurrentDirectory;
}

static long RssKiB()
{
    string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
