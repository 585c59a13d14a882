using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Cordon.Errors;
using Cordon.Mcp;
using Cordon.Policy;
using Cordon.PolicyFiles;
using Cordon.Units;

const string Usage = """
    usage: cordon mcp [--policy FILE|PROFILE] [--session-idle DURATION] [--session-size SIZE] [--max-sessions N]

    A Model Context Protocol server on stdin/stdout: an agent runs code inside Cordon (tools run, session_start,
    session_run, session_stop, write_file, read_file, list_files, audit_policy; docs/mcp.md) and is told why anything
    was refused. The policy is the ceiling of every call: a call can lower a limit, never raise one, and cannot open
    a door (network, mounts, syscalls). Default: the built-in "python" profile (read-only /usr, a private /work, no
    network). One line per call and its verdict goes to stderr.
      --policy FILE|PROFILE   the ceiling (a policy file or a built-in profile name)
      --session-idle D        stop a session unused this long (default 10m)
      --session-size S        the most a session's workspace may hold (default 16M)
      --max-sessions N        sessions at once (default 8)
    As root, each run holds a host uid of its own from CORDON_RUN_UIDS=FIRST-LAST (default 1879048192-1879113727).
    Exit codes: 0 the client closed the connection, 125 a usage error, an invalid policy, or a server that could not start
    (as every cordon command).
    """;

string policyReference = ServerConfiguration.DefaultProfile;
TimeSpan idle = TimeSpan.FromMinutes(10);
long sessionBytes = 16 * ByteSize.MiB;
int maxSessions = 8;
for (int i = 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--help" or "-h":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--policy" when value is not null:
            policyReference = value;
            i++;
            break;
        case "--session-idle" when value is not null && DurationText.TryParse(value, out idle, out _) && idle > TimeSpan.Zero:
            i++;
            break;
        case "--session-size" when value is not null && ByteSize.TryParse(value, out sessionBytes, out _) && sessionBytes > 0:
            i++;
            break;
        case "--max-sessions" when value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out maxSessions) && maxSessions > 0:
            i++;
            break;
        default:
            Console.Error.WriteLine($"cordon mcp: unexpected or incomplete argument '{args[i]}'\n{Usage}");
            return 125;
    }
}

if (!PolicyFile.TryLoadReference(policyReference, out SandboxPolicy? ceiling, out ImmutableArray<PolicyError> errors))
{
    foreach (PolicyError error in errors) Console.Error.WriteLine($"cordon mcp: --policy {policyReference}: {error.Key}: {error.Message}");
    return 125;
}

Cordon.Backends.Process.Identity.HostIdentityRange runIdentities;
try
{
    runIdentities = ServerConfiguration.RunIdentitiesFromEnvironment();
}
catch (FormatException e)
{
    Console.Error.WriteLine($"cordon mcp: {e.Message}");
    return 125;
}

string workRoot;
try
{
    workRoot = Directory.CreateTempSubdirectory("cordon-mcp-").FullName;
    Directory.CreateDirectory(Path.Combine(workRoot, "audit"));
}
catch (IOException e)
{
    Console.Error.WriteLine($"cordon mcp: cannot create a private work directory under {Path.GetTempPath()} ({e.Message}); set TMPDIR to a writable directory");
    return 125;
}

using var stop = new CancellationTokenSource();
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
var configuration = new ServerConfiguration(ceiling, policyReference)
{
    WorkRoot = workRoot,
    SessionIdle = idle,
    SessionMaxBytes = sessionBytes,
    MaxSessions = maxSessions,
    MaxSessionsPerCaller = maxSessions,
    RunIdentities = runIdentities,
};
try
{
    await CordonMcpServer.RunAsync(configuration, stop.Token);
}
finally
{
    Directory.Delete(workRoot, recursive: true);
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
