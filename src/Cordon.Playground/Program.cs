using System.Globalization;
using Cordon.Playground;

const string Usage = """
    usage: cordon playground [--port N]

    Serves the playground on http://127.0.0.1:N/ (loopback only; default 8787, 0 picks a free port): an editor with a
    Run button for each tier this host has (js, wasm, process), live output, the verdict and named denials, and the
    audit of the policy used. /walls/ is the "break out of the browser" demo. Ctrl-C stops it.
    Exit codes: 0 stopped, 2 usage error, 125 the server could not start.
    """;

int port = 8787;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--help" or "-h":
            Console.Out.WriteLine(Usage);
            return 0;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535:
            port = p;
            i++;
            break;
        default:
            Console.Error.WriteLine($"cordon playground: unexpected argument '{args[i]}'\n{Usage}");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

PlaygroundServer server;
try
{
    server = await PlaygroundServer.StartAsync(port, stop.Token);
}
catch (IOException e)
{
    Console.Error.WriteLine($"cordon playground: cannot listen on 127.0.0.1:{port} ({e.Message}); choose another --port");
    return 125;
}

await using (server)
{
    Console.Out.WriteLine($"cordon playground: {server.Address}playground/  (the browser-walls demo: {server.Address}walls/)");
    try
    {
        await server.WaitAsync(stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}

return 0;
