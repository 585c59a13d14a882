using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Cordon.Backends.Process;
using Cordon.Errors;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Selftest.Canaries;
using Cordon.Selftest.Harness;
using Cordon.Selftest.Judging;
using Cordon.Selftest.Probes;

namespace Cordon.Selftest;

/// <summary>
/// Runs the hostile probes inside a tier (the process tier unless <see cref="SelftestOptions.Tier"/> names another) exactly
/// as production runs guests, and judges each from host-side
/// evidence: the run's outcome and cgroup counters, the seccomp refusals, canaries planted before and checked after,
/// the host's own state, and teardown (nothing of the run left).
/// </summary>
/// <example>
/// <code>
/// SelftestReport report = await new SelftestRunner(new SelftestOptions { Category = ProbeCategory.Network }).RunAsync();
/// Console.WriteLine($"{report.Passed} passed, {report.Failed} failed");
/// </code>
/// </example>
public sealed class SelftestRunner
{
    /// <summary>The environment variable the harness plants in its own environment; no guest may ever see its value.</summary>
    public const string EnvironmentCanaryName = "CORDON_SELFTEST_SECRET";

    private readonly SelftestOptions _options;

    /// <summary>Creates a runner (default options: every probe, four at a time).</summary>
    public SelftestRunner(SelftestOptions? options = null) => _options = options ?? new SelftestOptions();

    /// <summary>Every probe of the suite, in order.</summary>
    public static IReadOnlyList<ProbeInfo> Catalogue { get; } =
        [.. ProbeCatalogue.All.Select(p => new ProbeInfo(p.Id, p.Category, p.Description, p.Expected.Text, p.Program.ToString()))];

    /// <summary>The probes <paramref name="options"/> selects (controls included), without running anything.</summary>
    public static IReadOnlyList<ProbeInfo> Select(SelftestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        HashSet<string> ids = [.. Selected(options).Select(p => p.Id)];
        return [.. Catalogue.Where(p => ids.Contains(p.Id))];
    }

    /// <summary>Runs the selected probes and returns every verdict.</summary>
    /// <exception cref="BackendUnavailableException">The probes, bwrap or the launcher are missing.</exception>
    /// <exception cref="OperationCanceledException">Canceled; every sandbox was killed and every canary removed.</exception>
    public async Task<SelftestReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        if (_options.Tier is { HasProcesses: false } tier)
            throw new BackendUnavailableException("selftest", $"the {tier.Name} tier runs no host programs, and the probes are host programs",
                "run the selftest on a tier with processes (process, gvisor)");
        string probeDirectory = ResolveProbeDirectory();
        ImmutableArray<ProbeDefinition> selected = Selected(_options);
        var suite = new SuiteState(probeDirectory, _options);
        try
        {
            ProbeResult[] controls = await Task.WhenAll(selected.Where(p => p.Category == ProbeCategory.Control)
                .Select(p => RunProbeAsync(p, suite, cancellationToken))).ConfigureAwait(false);
            suite.DetectCgroups();
            List<ProbeResult> results = [.. controls];
            ProbeDefinition[] rest = [.. selected.Where(p => p.Category != ProbeCategory.Control)];
            // A control that cannot apply in this root (no python3 in an image) does not stop the suite; one that
            // failed does, and so does a root where none of them could run.
            bool Blocks(ProbeResult c) => c.Verdict is not (ProbeVerdict.Ok or ProbeVerdict.Degraded);
            if (controls.Any(Blocks) || (controls.Length > 0 && !controls.Any(c => c.Verdict == ProbeVerdict.Ok)))
            {
                string failed = string.Join(", ", controls.Where(c => c.Verdict != ProbeVerdict.Ok).Select(c => c.Id));
                results.AddRange(rest.Select(p => NotRun(p, ProbeVerdict.Inconclusive, $"not run: positive control {failed} failed", null)));
            }
            else
            {
                using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxParallelism));
                Task<ProbeResult>[] parallel = [.. rest.Where(p => !p.Exclusive).Select(async p =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try { return await RunProbeAsync(p, suite, cancellationToken).ConfigureAwait(false); }
                    finally { gate.Release(); }
                })];
                results.AddRange(await Task.WhenAll(parallel).ConfigureAwait(false));
                foreach (ProbeDefinition p in rest.Where(p => p.Exclusive))
                {
                    results.Add(await RunProbeAsync(p, suite, cancellationToken).ConfigureAwait(false));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            foreach (string left in TeardownCheck.SuiteLeftovers([.. suite.Nonces])) suite.Errors.Enqueue(left);
            Dictionary<string, int> order = selected.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
            return new SelftestReport([.. results.OrderBy(r => order[r.Id])], [.. suite.Errors.Select(UntrustedText.ForTerminal)], clock.Elapsed,
                suite.CgroupsAvailable, suite.CgroupReason, Interop.Libc.GetEuid());
        }
        finally
        {
            suite.Dispose();
        }
    }

    private async Task<ProbeResult> RunProbeAsync(ProbeDefinition probe, SuiteState suite, CancellationToken cancellationToken)
    {
        ProbeResult result = await Task.Run(() => RunProbeCoreAsync(probe, suite, cancellationToken), cancellationToken).ConfigureAwait(false);
        _options.OnResult?.Invoke(result);
        return result;
    }

    private async Task<ProbeResult> RunProbeCoreAsync(ProbeDefinition probe, SuiteState suite, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? degraded = null;
        if (probe.Cgroups != CgroupNeed.None && !suite.CgroupsAvailable)
        {
            degraded = suite.CgroupReason ?? "no cgroup for this user on this host";
            if (probe.Cgroups == CgroupNeed.SkippedWithout)
                return NotRun(probe, ProbeVerdict.Degraded, "not run: only a cgroup enforces this limit", degraded);
        }

        if (probe.NeedsHostProcesses && suite.Judging.OutcomeOnly)
        {
            string why = $"not applicable: the {suite.Judging.Tier} tier's guest processes live in its own kernel, so the host has no process of the guest to compare";
            return NotRun(probe, ProbeVerdict.Degraded, why, why);
        }

        if (NotApplicable(probe, suite.ProbeDirectory) is { } reason)
            return NotRun(probe, ProbeVerdict.Degraded, "not applicable: " + reason, "not applicable: " + reason);

        CanarySet canaries;
        try
        {
            canaries = CanarySet.Plant(suite.Root, probe.Id, EnvironmentCanaryName, suite.EnvironmentSecret, probe.NeedsWorkDirectory);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return NotRun(probe, ProbeVerdict.HarnessError, $"could not plant canaries: {e.Message}", null);
        }

        ObservedChain? chain = null;
        try
        {
            string nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            string marker = "200000." + RandomNumberGenerator.GetInt32(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
            suite.Nonces.Add(nonce);
            suite.Nonces.Add(marker);
            SandboxPolicy intended = BuildPolicy(probe, canaries.Coordinates, suite.ProbeDirectory, marker);
            SandboxPolicy policy = _options.PolicyOverride is { } weaken ? weaken(intended, canaries.Coordinates) : intended;
            chain = suite.Observer.Watch(nonce, marker);
            int seen = 0;
            // The first output proves the chain is alive; the supervisor waits inside this callback, so nothing is reaped while we look.
            SandboxCommand command = probe.Program.ToCommand(nonce, (_, _) =>
            {
                if (Interlocked.Exchange(ref seen, 1) == 0) suite.Observer.ScanNow();
            });
            SandboxResult run;
            try
            {
                run = await suite.RunAsync(policy, command, cancellationToken).ConfigureAwait(false);
            }
            catch (PolicyValidationException refused) when (_options.Tier is not null)
            {
                // The probe's policy asks for something this tier refuses (an allowlist): it does not apply here.
                return NotRun(probe, ProbeVerdict.Degraded, "not applicable: " + refused.Message, "not applicable: " + refused.Message);
            }

            suite.Observer.Release(chain);
            cancellationToken.ThrowIfCancellationRequested();

            List<string> hostFindings = [.. canaries.Breaches(), .. suite.Baseline.Changes(), .. TeardownCheck.Leftovers(chain)];
            var evidence = new ProbeEvidence
            {
                Result = run, Policy = policy, IntendedPolicy = intended, Transcript = ProbeTranscript.Parse(run.StandardOutput.Bytes.Span, nonce), Canaries = canaries,
                Chain = chain, ProbeDirectory = suite.ProbeDirectory, CgroupsAvailable = suite.CgroupsAvailable,
            };
            ProbeResult result = Judge.Decide(probe, evidence, hostFindings, suite.EnvironmentSecret, degraded, clock.Elapsed, suite.Judging);
            if (probe.Id == "control-c") suite.ControlResult = run;
            return result;
        }
        catch (CordonException e)
        {
            return NotRun(probe, ProbeVerdict.HarnessError, e.Message, null);
        }
        finally
        {
            if (chain is not null) suite.Observer.Release(chain);
            if (canaries.Remove() is { } left) suite.Errors.Enqueue(left);
        }
    }

    private SandboxPolicy BuildPolicy(ProbeDefinition probe, CanaryCoordinates c, string probeDirectory, string marker)
    {
        // Production's policy (the builder's defaults) plus the probes, read-only, and the canaries' coordinates.
        SandboxPolicyBuilder builder = new SandboxPolicyBuilder()
            .MountReadOnly(probeDirectory, ProbeProgram.GuestDirectory)
            .SetEnvironment("CORDON_PROBE_DIR", ProbeProgram.GuestDirectory)
            .SetEnvironment("CORDON_CANARY_FILE", c.SecretFilePath)
            .SetEnvironment("CORDON_CANARY_TCP4", c.Tcp4Port.ToString(CultureInfo.InvariantCulture))
            .SetEnvironment("CORDON_CANARY_ABSTRACT", c.AbstractSocketName)
            .SetEnvironment("CORDON_CANARY_UNIX", c.PathSocket)
            .SetEnvironment("CORDON_VICTIM_PID", c.VictimPid.ToString(CultureInfo.InvariantCulture))
            .SetEnvironment("CORDON_ORPHAN_MARKER", marker);
        if (c.Tcp6Port is { } tcp6) builder.SetEnvironment("CORDON_CANARY_TCP6", tcp6.ToString(CultureInfo.InvariantCulture));
        if (probe.Policy is { } tweak) builder = tweak(builder, c);
        if (c.WorkDirectory is { } work) builder.WithWorkDirectory(work);
        if (_options.Root is { } root) builder.WithRoot(root);
        SandboxPolicy policy = builder.Build();
        // A tier whose every syscall costs a round trip through its own kernel (gVisor's ptrace platform: about 20 times
        // the process tier's, and its kernel's CPU counts in the run's cgroup) gets more wall and CPU time for probes that
        // do not test a limit: there the limits are only the harness's safety net, and a slow walk of /usr must not read
        // as a probe that never finished.
        if (TierJudging.For(_options.Tier).OutcomeOnly && probe.Expected.Limit is null)
        {
            var slow = new SandboxPolicyBuilder(policy);
            if (policy.Limits.WallTime == ResourceLimits.Default.WallTime) slow.WithWallTime(ResourceLimits.Default.WallTime * SlowTierTimeFactor);
            if (policy.Limits.CpuTime == ResourceLimits.Default.CpuTime) slow.WithCpuTime(ResourceLimits.Default.CpuTime * SlowTierTimeFactor);
            policy = slow.Build();
        }

        return policy;
    }

    /// <summary>How much more wall and CPU time a probe gets on a tier that serves syscalls in its own kernel.</summary>
    internal const int SlowTierTimeFactor = 6;

    /// <summary>Why <paramref name="probe"/> cannot run in the configured root (its interpreter or loader is not there), or null.</summary>
    private string? NotApplicable(ProbeDefinition probe, string probeDirectory)
    {
        if (_options.Root is not { Kind: FilesystemRootKind.Image, ImagePath: { } image }) return null;
        bool Has(string guestPath) => Path.Exists(Path.Combine(image, guestPath.TrimStart('/')));
        if (probe.NeedsHostSystemRoot) return "the probe checks the host's system directories (or runs bash and coreutils), which this root replaces";
        return probe.Program.Language switch
        {
            ProbeLanguage.Shell when !Has("/bin/sh") => "the root has no /bin/sh",
            ProbeLanguage.Python when !Has("/usr/bin/python3") && !Has("/bin/python3") => "the root has no python3",
            ProbeLanguage.C when IsDynamic(Path.Combine(probeDirectory, probe.Program.RelativePath)) && !Has("/lib64/ld-linux-x86-64.so.2") =>
                "the probe is a dynamically linked host program and the root has no /lib64/ld-linux-x86-64.so.2",
            _ => null,
        };
    }

    /// <summary>Whether an ELF file has a program interpreter (a PT_INTERP header): a dynamically linked program.</summary>
    private static bool IsDynamic(string path)
    {
        try
        {
            byte[] head = new byte[4096];
            using FileStream file = File.OpenRead(path);
            int n = file.Read(head);
            if (n < 64 || head[0] != 0x7f || head[1] != (byte)'E' || head[4] != 2) return false;
            long phoff = BitConverter.ToInt64(head, 0x20);
            int phentsize = BitConverter.ToUInt16(head, 0x36), phnum = BitConverter.ToUInt16(head, 0x38);
            for (int i = 0; i < phnum; i++)
            {
                long at = phoff + ((long)i * phentsize);
                if (at + 4 > n) return true; // headers beyond what was read: assume the common case
                if (BitConverter.ToUInt32(head, (int)at) == 3) return true; // PT_INTERP
            }

            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static ProbeResult NotRun(ProbeDefinition probe, ProbeVerdict verdict, string observed, string? reason) => new()
    {
        Id = probe.Id, Category = probe.Category, Description = probe.Description, Expected = probe.Expected.Text,
        Observed = UntrustedText.ForTerminal(observed), Verdict = verdict, Reason = UntrustedText.ForTerminal(reason ?? observed),
        Findings = [UntrustedText.ForTerminal(reason ?? observed)], Ran = false,
    };

    private static ImmutableArray<ProbeDefinition> Selected(SelftestOptions options)
    {
        Regex[] patterns = [.. (options.Only ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Pattern)];
        return [.. ProbeCatalogue.All.Where(p => p.Category == ProbeCategory.Control
            || ((options.Category is null || p.Category == options.Category) && (patterns.Length == 0 || patterns.Any(r => r.IsMatch(p.Id)))))];
    }

    /// <summary>A probe id matches itself exactly; a glob (* and ?) matches whole ids; anything else is a substring.</summary>
    private static Regex Pattern(string pattern)
    {
        bool glob = pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal);
        bool id = ProbeCatalogue.All.Any(p => p.Id == pattern);
        string body = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
        return new Regex(glob || id ? $"^{body}$" : body, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    }

    private string ResolveProbeDirectory()
    {
        string? configured = _options.ProbeDirectory;
        if (string.IsNullOrEmpty(configured)) configured = Environment.GetEnvironmentVariable("CORDON_PROBES");
        string directory = Path.GetFullPath(string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "probes") : configured);
        if (!File.Exists(Path.Combine(directory, "bin", "control")))
        {
            throw new BackendUnavailableException("probes", $"the selftest probes are missing at '{directory}'",
                "rebuild Cordon (dotnet build compiles probes/ with gcc) or set CORDON_PROBES");
        }

        return directory;
    }

    /// <summary>State shared by the probes of one suite run.</summary>
    private sealed class SuiteState : IDisposable
    {
        public SuiteState(string probeDirectory, SelftestOptions options)
        {
            ProbeDirectory = probeDirectory;
            _tier = options.Tier;
            Judging = TierJudging.For(options.Tier);
            Sandbox = _tier is null ? new ProcessSandbox(options.Backend) : null;
            Root = Path.Combine(Path.GetTempPath(), "cordon-selftest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
            Directory.CreateDirectory(Root, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
            EnvironmentSecret = "cordon-selftest-env-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            // In the real process environment as well as .NET's copy: whatever a spawn passes on, it would carry this.
            Environment.SetEnvironmentVariable(EnvironmentCanaryName, EnvironmentSecret);
            _ = Interop.Libc.SetEnv(EnvironmentCanaryName, EnvironmentSecret, 1);
            string launcher = Environment.GetEnvironmentVariable("CORDON_LAUNCHER") is { Length: > 0 } l ? l : Path.Combine(AppContext.BaseDirectory, "cordon-launch");
            Baseline = HostBaseline.Record([probeDirectory, launcher, "/usr/bin/bwrap"]);
            Observer = new ChainObserver();
        }

        public string ProbeDirectory { get; }

        private readonly Tiers.ISandboxTier? _tier;

        /// <summary>The process tier's sandbox when the runner drives it directly (no <see cref="SelftestOptions.Tier"/>).</summary>
        public ProcessSandbox? Sandbox { get; }

        /// <summary>What the tier's results can prove.</summary>
        public TierJudging Judging { get; }

        /// <summary>Runs one probe on the tier under test.</summary>
        public Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, CancellationToken cancellationToken)
            => Sandbox is { } sandbox ? sandbox.RunAsync(policy, command, cancellationToken)
                : _tier!.RunAsync(policy, command, Tiers.TierSettings.None, cancellationToken);

        public string Root { get; }

        public string EnvironmentSecret { get; }

        public HostBaseline Baseline { get; }

        public ChainObserver Observer { get; }

        public ConcurrentBag<string> Nonces { get; } = [];

        public ConcurrentQueue<string> Errors { get; } = new();

        public SandboxResult? ControlResult { get; set; }

        public bool CgroupsAvailable { get; private set; }

        public string? CgroupReason { get; private set; }

        /// <summary>From the positive control's own result: a run that got a memory cgroup reports its peak memory; one without says why.</summary>
        public void DetectCgroups()
        {
            if (ControlResult is not { } control) return;
            string? noCgroup = control.Warnings.FirstOrDefault(w => w.StartsWith("no cgroup", StringComparison.Ordinal));
            string? noPids = control.Warnings.FirstOrDefault(w => w.StartsWith("process limit not enforced", StringComparison.Ordinal));
            CgroupsAvailable = control.Usage.PeakMemoryBytes is not null && noPids is null;
            CgroupReason = CgroupsAvailable ? null : UntrustedText.ForTerminal(noCgroup ?? noPids ?? "the run's memory was not measured (no memory cgroup)");
        }

        public void Dispose()
        {
            Observer.Dispose();
            Environment.SetEnvironmentVariable(EnvironmentCanaryName, null);
            _ = Interop.Libc.UnsetEnv(EnvironmentCanaryName);
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // reported through the probes' own removal errors
            }
        }
    }
}
