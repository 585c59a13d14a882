using System.Diagnostics;

namespace Cordon.Cli.Commands;

/// <summary>
/// <c>cordon playground</c>: starts the loopback web playground, a separate executable (<c>cordon-playground</c>)
/// beside this one, so that ASP.NET Core adds nothing to the size or start-up of every other cordon command.
/// </summary>
internal static class PlaygroundCommand
{
    private const string Executable = "cordon-playground";

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? path = Find();
        if (path is null)
        {
            Cli.Error($"{Executable} is not beside cordon ({AppContext.BaseDirectory}); scripts/publish-cli.sh publishes both, or run: dotnet run --project src/Cordon.Playground -- {string.Join(' ', args)}");
            return ExitCodes.CordonFailed;
        }

        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reached the playground too (same process group); let it stop by itself.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return process.ExitCode;
    }

    /// <summary>Beside cordon (a published layout), or the playground project's own build output (a development tree).</summary>
    private static string? Find()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, Executable);
        if (File.Exists(beside)) return beside;
        // src/Cordon.Cli/bin/CONFIG/TFM/ → src/Cordon.Playground/bin/CONFIG/TFM/
        DirectoryInfo output = new(AppContext.BaseDirectory.TrimEnd('/'));
        if (output.Parent?.Parent?.Parent is { Name: "Cordon.Cli" } project && project.Parent is { } src)
        {
            string built = Path.Combine(src.FullName, "Cordon.Playground", "bin", output.Parent.Name, output.Name, Executable);
            if (File.Exists(built)) return built;
        }

        return null;
    }
}
