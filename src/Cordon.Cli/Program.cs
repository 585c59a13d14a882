using Cordon.Backends.Process.CallerIo;
using Cordon.Cli;
using Cordon.Cli.Commands;

// First, before anything opens descriptors of its own: which ones did the caller pass? Only those may be handed to a
// guest (--fd), and a closed 0, 1 or 2 shows up here as missing (the runtime may already have reused the number).
IReadOnlySet<int> passed = CallerDescriptors.Snapshot();
if (!passed.Contains(0) || !passed.Contains(1) || !passed.Contains(2))
{
    string closed = string.Join(", ", new[] { 0, 1, 2 }.Where(fd => !passed.Contains(fd)).Select(fd => fd switch { 0 => "0 (stdin)", 1 => "1 (stdout)", _ => "2 (stderr)" }));
    // stderr may be the closed one: then the exit code alone says it.
    if (passed.Contains(2))
        Cli.Error($"descriptor {closed} is closed; cordon needs all three standard descriptors open: redirect it instead, e.g. >/dev/null or </dev/null");
    return ExitCodes.CordonFailed;
}

const string Usage = """
    cordon: deny-by-default sandboxing for code you do not trust

    usage: cordon run [options] [--] PROGRAM [ARGS...]   run one command confined (cordon run --help)
           cordon selftest [--json] [--only PATTERN]      run the escape and resource-bomb suite on this host
           cordon policy check FILE... | show FILE        validate a policy file, or print it fully resolved
           cordon profiles                                list the built-in runtime profiles
           cordon audit POLICY [--json] [--threshold X]   least-privilege checklist and exposure score
           cordon doctor [--json] | --cleanup             which protection layers this host can enforce; sweep leftovers
           cordon completions bash|zsh|fish               shell completions for cordon run's options
           cordon man                                     the man page (roff), from the same option table as --help
           cordon playground [--port N]                   a loopback web playground for every tier this host has
           cordon serve [--listen HOST:PORT] [--api-keys F] code execution over HTTP (native /v1 and Piston's /api/v2)
           cordon worker --queue nats://HOST:PORT         run the runs cordon serve --queue puts on NATS JetStream
           cordon mcp [--policy FILE]                     a Model Context Protocol server on stdio (docs/mcp.md)
           cordon version | --version | -V

    Exit codes: 125 for a usage error or any failure of cordon itself, in every command; see cordon run --help.
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.Out.WriteLine(Usage);
    return args.Length == 0 ? ExitCodes.Usage : 0;
}

using var cancel = new CancellationTokenSource();
if (args[0] != "run")
{
    // cordon run forwards signals to its guest itself (RunSession); the other commands stop at Ctrl-C.
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
}

try
{
    return args[0] switch
    {
        "run" => await RunCommand.ExecuteAsync(args[1..], passed, cancel.Token).ConfigureAwait(false),
        "selftest" => await SelftestCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "policy" => PolicyCommand.Execute(args[1..]),
        "profiles" => ProfilesCommand.Execute(args[1..]),
        "audit" => await AuditCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "doctor" => await DoctorCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "completions" => CompletionsCommand.Execute(args[1..]),
        "man" => ManPage.Execute(args[1..]),
        "version" or "--version" or "-V" => Version(),
        "playground" => await PlaygroundCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "serve" => await ServeCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "worker" => await ServeCommand.WorkerAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "mcp" => await McpCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        _ => Unknown(args[0]),
    };
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    // A bug in Cordon itself: say so plainly, with the type, and use the documented code.
    Cli.Error($"internal error ({e.GetType().Name}): {e.Message}");
    return ExitCodes.CordonFailed;
}

static int Version()
{
    Console.Out.WriteLine("cordon " + (typeof(ExitCodes).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
    return 0;
}

static int Unknown(string command)
{
    Cli.Error(command.StartsWith('-')
        ? $"unknown option '{command}'; options go after the command, e.g. cordon run {command} ... (cordon --help lists the commands)"
        : $"unknown command '{command}'; run cordon --help");
    return ExitCodes.Usage;
}
