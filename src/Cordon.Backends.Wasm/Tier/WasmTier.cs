using System.Collections.Immutable;
using System.Globalization;
using Cordon.Diagnostics;
using Cordon.Execution;
using Cordon.Policy;
using Cordon.Tiers;
using Cordon.Units;

namespace Cordon.Backends.Wasm.Tier;

/// <summary>The WebAssembly tier as the surfaces see it: a module under Wasmtime with WASI preview 1, in this process.</summary>
/// <param name="baseOptions">Engine options every run starts from (module cache, pooling); <c>--fuel</c> and <c>--invoke</c> are applied per run.</param>
public sealed class WasmTier(WasmBackendOptions? baseOptions = null) : ISandboxTier
{
    /// <summary><c>--invoke NAME</c>: call an export with typed arguments instead of <c>_start</c>.</summary>
    public const string InvokeOption = "--invoke";

    /// <summary><c>--fuel N|none</c>: the deterministic instruction budget.</summary>
    public const string FuelOption = "--fuel";

    private readonly WasmBackendOptions _baseOptions = baseOptions ?? WasmBackendOptions.Default;

    /// <inheritdoc />
    public string Name => "wasm";

    /// <inheritdoc />
    public string Summary => "PROGRAM is a .wasm/.wat module run by Wasmtime with WASI preview 1";

    /// <inheritdoc />
    public ImmutableSortedDictionary<PolicyFacet, string> Facets { get; } = ImmutableSortedDictionary.CreateRange(
    [
        KeyValuePair.Create(PolicyFacet.Filesystem, "enforced: WASI sees only granted directories (single files and the system directories are not visible); an image root is refused"),
        KeyValuePair.Create(PolicyFacet.Network, "no sockets exist: every mode and allowlist opens nothing (degraded with a warning when the policy asks for network)"),
        KeyValuePair.Create(PolicyFacet.Process, "no processes or syscalls exist; fsize and the disk budget are not enforced on writable directories (warned; --contain enforces them)"),
        KeyValuePair.Create(PolicyFacet.Resources, "enforced: wall time (epochs), thread CPU time, fuel, linear memory, output caps"),
        KeyValuePair.Create(PolicyFacet.Environment, "enforced: exactly the policy's variables"),
    ]);

    /// <inheritdoc />
    public ImmutableArray<TierOption> Options { get; } =
    [
        new(InvokeOption, "NAME", "call export NAME with ARGS as typed arguments instead of _start"),
        new(FuelOption, "N|none", "deterministic instruction budget (cpu_time_exceeded when spent)", ValidateFuel),
    ];

    /// <inheritdoc />
    public bool HasProcesses => false;

    /// <inheritdoc />
    public TierContainment? Containment { get; } = new(512 * ByteSize.MiB, 64, TimeSpan.FromSeconds(5));

    /// <inheritdoc />
    public PolicyAssessment Assess(SandboxPolicy policy) => Assessment(policy);

    /// <summary>What the tier degrades or refuses of <paramref name="policy"/>.</summary>
    internal static PolicyAssessment Assessment(SandboxPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        List<FacetFinding> findings = [];
        if (policy.Root.Kind == FilesystemRootKind.Image)
            findings.Add(new(PolicyFacet.Filesystem, "filesystem.root", FacetSupport.Refused, "a module has no root filesystem to replace; give the image to the image tier"));
        if (policy.Network.OpensAny)
            findings.Add(new(PolicyFacet.Network, "network", FacetSupport.Degraded, $"'{policy.Network}' has no effect in the wasm tier: modules get no sockets"));
        bool writable = policy.HasWritableGrants;
        if (writable && policy.Limits.FileSizeBytes is { } fileSize)
            findings.Add(new(PolicyFacet.Process, "limits.fsize", FacetSupport.Degraded, $"{ByteSize.Format(fileSize)} is not enforced by the wasm tier: a module can write files of any size in its writable directories (--contain enforces it)"));
        if (writable && policy.Limits.DiskBytes is { } disk)
            findings.Add(new(PolicyFacet.Resources, "limits.disk", FacetSupport.Degraded, $"{ByteSize.Format(disk)} is not enforced by the wasm tier: writable directories are the host's own (--contain enforces it as root)"));
        return new PolicyAssessment("wasm", [.. findings]);
    }

    /// <inheritdoc />
    public Task<HostCheck> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        const string Layer = "wasm tier";
        try
        {
            return Task.FromResult(new HostCheck(Layer, LayerStatus.Available,
                $"Wasmtime {WasmSandboxBackend.WasmtimeVersion} in process (WASI preview 1; an in-process boundary: --contain puts it in the process tier)", null, Required: false));
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Task.FromResult(new HostCheck(Layer, LayerStatus.Missing, "libwasmtime cannot be loaded beside Cordon (needed only for the WebAssembly tier)",
                "reference the Cordon.Backends.Wasm library (its Wasmtime package ships libwasmtime), or publish the cordon CLI, which includes it", Required: false));
        }
    }

    /// <inheritdoc />
    public async Task<SandboxResult> RunAsync(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var backend = new WasmSandboxBackend(OptionsFor(settings));
        return (await backend.RunWasmAsync(policy, command, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <inheritdoc />
    /// <remarks>On the caller's thread when its stack has room for the module (no hand-off to a worker).</remarks>
    public SandboxResult Run(SandboxPolicy policy, SandboxCommand command, TierSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var backend = new WasmSandboxBackend(OptionsFor(settings));
        return backend.RunWasm(policy, command, cancellationToken).Result;
    }

    /// <summary>The engine options of one run: the base options with its <c>--fuel</c> and <c>--invoke</c>.</summary>
    internal WasmBackendOptions OptionsFor(TierSettings settings)
    {
        WasmBackendOptions options = _baseOptions;
        if (settings[FuelOption] is "none") options = options.WithoutFuelLimit();
        else if (settings[FuelOption] is { } fuel) options = options.WithFuel(long.Parse(fuel, NumberStyles.None, CultureInfo.InvariantCulture));
        if (settings[InvokeOption] is { } export) options = options.WithInvoke(export);
        return options;
    }

    private static string? ValidateFuel(string value)
        => value == "none" || (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long units) && units > 0)
            ? null
            : $"'{value}' is not a positive whole number of fuel units (or none)";
}
