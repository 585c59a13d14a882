using System.Collections.Immutable;

namespace Cordon.Service.Runs;

/// <summary>The body of <c>POST /v1/runs</c> (strict: an unknown member is a 400).</summary>
/// <param name="Tier">Optional; must be the runtime's tier (<c>process</c>, <c>js</c>, <c>wasm</c>).</param>
/// <param name="Runtime">A runtime of <c>GET /v1/runtimes</c>; without one, <paramref name="Argv"/> runs a host program from /usr on the process tier.</param>
/// <param name="Argv">Arguments after the entry file (with a runtime), or the whole command (without).</param>
/// <param name="Files">The uploaded files, written into the run's private work directory (<c>/work</c>).</param>
/// <param name="Entry">The file run (default: the first file).</param>
/// <param name="Stdin">Text fed to the guest's stdin.</param>
/// <param name="Limits">The run's budget, each at most the server's ceiling.</param>
/// <param name="NetworkAllow">Destinations the run may reach (<c>HOST:PORT[/udp]</c>), each within the server's <c>[ceilings] network_allow</c>; none by default.</param>
internal sealed record RunRequest(
    string? Tier = null,
    string? Runtime = null,
    ImmutableArray<string>? Argv = null,
    ImmutableArray<FileUpload>? Files = null,
    string? Entry = null,
    string? Stdin = null,
    LimitsRequest? Limits = null,
    ImmutableArray<string>? NetworkAllow = null);

/// <summary>One uploaded file.</summary>
/// <param name="Path">A relative path inside the work directory: <c>main.py</c>, <c>lib/util.py</c>.</param>
/// <param name="Content">Its content.</param>
/// <param name="Encoding"><c>utf8</c> (default) or <c>base64</c>.</param>
internal sealed record FileUpload(string? Path = null, string? Content = null, string? Encoding = null);

/// <summary>A run's budget as a request gives it (whole milliseconds and bytes).</summary>
internal sealed record LimitsRequest(
    long? TimeMs = null,
    long? CpuMs = null,
    long? MemoryBytes = null,
    int? Pids = null,
    long? OutputBytes = null,
    long? CompileTimeMs = null,
    long? CompileCpuMs = null,
    long? CompileMemoryBytes = null);
