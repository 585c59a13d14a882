using Cordon.Cli;
using Cordon.Cli.Commands;

const string Usage = """
    cordon: deny-by-default sandboxing for code you do not trust

    usage: cordon run [options] -- PROGRAM [ARGS...]   run one command confined (cordon run --help)
           cordon selftest [--json] [--only PATTERN]    run the escape and resource-bomb suite on this host
           cordon policy check FILE... | show FILE      validate a policy file, or print it fully resolved
           cordon profiles                              list the built-in runtime profiles
           cordon audit POLICY [--json] [--threshold X] least-privilege checklist and exposure score
           cordon doctor [--json]                       which protection layers this host can enforce
           cordon playground [--port N]                 a loopback web playground for every tier this host has
           cordon version
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.Out.WriteLine(Usage);
    return args.Length == 0 ? ExitCodes.Usage : 0;
}

try
{
    return args[0] switch
    {
        "run" => await RunCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "selftest" => await SelftestCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "policy" => PolicyCommand.Execute(args[1..]),
        "profiles" => ProfilesCommand.Execute(args[1..]),
        "audit" => await AuditCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "doctor" => await DoctorCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "playground" => await PlaygroundCommand.ExecuteAsync(args[1..], cancel.Token).ConfigureAwait(false),
        "version" => Version(),
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
    Cli.Error($"unknown command '{command}'; run cordon --help");
    return ExitCodes.CordonFailed;
}
