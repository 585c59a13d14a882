using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Cordon.Service.Runtimes;

/// <summary>
/// The runtimes this host has, probed once at start: an interpreter or compiler that is not installed is not offered
/// (the API refuses it by name), and each one reports the host's own version.
/// </summary>
internal sealed partial class RuntimeCatalog
{
    private RuntimeCatalog(ImmutableArray<ServiceRuntime> runtimes, ImmutableArray<string> hostTiers)
    {
        All = runtimes;
        HostTiers = hostTiers;
    }

    /// <summary>The tiers that run host programs, so any process-tier runtime or bare command: process, and gvisor where runsc is.</summary>
    private static readonly ImmutableArray<string> HostProgramTiers = ["process", "gvisor"];

    /// <summary>Every runtime the service knows, whether this host has it or not.</summary>
    public static readonly ImmutableArray<string> KnownNames = ["python3", "node", "bash", "c", "c++", "js", "wasm"];

    /// <summary>Only the runtimes named in <paramref name="names"/> (all of them for null).</summary>
    public RuntimeCatalog Only(ImmutableArray<string>? names) => names is { } only ? new([.. All.Where(r => only.Contains(r.Name))], HostTiers) : this;

    /// <summary>This host's tiers that run host programs (a process-tier runtime may ask for any of them).</summary>
    public ImmutableArray<string> HostTiers { get; }

    /// <summary>The tiers <paramref name="runtime"/> may run on here, its own first: a host program (a process-tier runtime) runs on every host tier.</summary>
    public IEnumerable<string> TiersOf(ServiceRuntime runtime) => runtime.Profile is null ? [runtime.Tier] : [runtime.Tier, .. HostTiers.Where(t => t != runtime.Tier)];

    /// <summary>The runtimes, in a stable order.</summary>
    public ImmutableArray<ServiceRuntime> All { get; }

    /// <summary>The runtime named <paramref name="name"/> (its name, Piston language or an alias), or null.</summary>
    public ServiceRuntime? Find(string name) => All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? All.FirstOrDefault(r => r.Answers(name));

    /// <summary>Probes the host for each known runtime.</summary>
    public static async Task<RuntimeCatalog> ProbeAsync(IEnumerable<string> tiers, CancellationToken cancellationToken)
    {
        HashSet<string> available = [.. tiers];
        Task<string?> python = VersionAsync("/usr/bin/python3", ["--version"], cancellationToken);
        Task<string?> node = VersionAsync("/usr/bin/node", ["--version"], cancellationToken);
        Task<string?> bash = VersionAsync("/usr/bin/bash", ["--version"], cancellationToken);
        Task<string?> gcc = VersionAsync("/usr/bin/gcc", ["-dumpfullversion"], cancellationToken);
        Task<string?> gxx = VersionAsync("/usr/bin/g++", ["-dumpfullversion"], cancellationToken);
        await Task.WhenAll(python, node, bash, gcc, gxx).ConfigureAwait(false);

        List<ServiceRuntime> runtimes = [];
        if (available.Contains("process"))
        {
            if (python.Result is { } p) runtimes.Add(new("python3", "python", ["py", "py3", "python3"], p, "process", "python", "main.py", "/usr/bin/python3", null));
            if (node.Result is { } n) runtimes.Add(new("node", "javascript", ["js-node", "node-javascript", "node-js", "nodejs"], n, "process", "node", "main.js", "/usr/bin/node", null));
            if (bash.Result is { } b) runtimes.Add(new("bash", "bash", ["sh"], b, "process", "shell", "main.sh", "/usr/bin/bash", null));
            if (gcc.Result is { } c) runtimes.Add(new("c", "c", ["gcc"], c, "process", "shell", "main.c", ServiceRuntime.CompiledProgram,
                new CompileStep("/usr/bin/gcc", ["-O2", "-std=gnu17", "-o", ServiceRuntime.CompiledProgram], [".c"])));
            if (gxx.Result is { } cxx) runtimes.Add(new("c++", "c++", ["cpp", "g++", "cxx"], cxx, "process", "shell", "main.cpp", ServiceRuntime.CompiledProgram,
                new CompileStep("/usr/bin/g++", ["-O2", "-std=gnu++17", "-o", ServiceRuntime.CompiledProgram], [".cpp", ".cc", ".cxx", ".c++"])));
        }

        if (available.Contains("js")) runtimes.Add(new("js", "jint", ["ecmascript", "jint-js"], Backends.JavaScript.JavaScriptSandboxBackend.EngineVersion, "js", null, "main.js", null, null));
        if (available.Contains("wasm")) runtimes.Add(new("wasm", "wasm", ["wasi", "webassembly"], Backends.Wasm.WasmSandboxBackend.WasmtimeVersion, "wasm", null, "main.wasm", null, null));
        return new RuntimeCatalog([.. runtimes], [.. HostProgramTiers.Where(available.Contains)]);
    }

    /// <summary>The first version-looking word of the program's output, or null when it is not installed.</summary>
    private static async Task<string?> VersionAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(program)) return null;
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in arguments) start.ArgumentList.Add(a);
            using Process process = Process.Start(start)!;
            string output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                + await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            Match m = VersionPattern().Match(output);
            return process.ExitCode == 0 && m.Success ? m.Value : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionPattern();
}
