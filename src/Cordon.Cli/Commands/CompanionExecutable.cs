using System.Diagnostics;

namespace Cordon.Cli.Commands;

/// <summary>
/// Starts a companion executable that lives beside cordon (<c>cordon-playground</c>, <c>cordon-serve</c>, <c>cordon-mcp</c>), so that
/// what it needs (ASP.NET Core, the MCP SDK) adds nothing to the size or start-up of every other cordon command.
/// </summary>
internal static class CompanionExecutable
{
    /// <summary>Runs <paramref name="executable"/> (built by project <paramref name="project"/>) with <paramref name="args"/> and returns its exit code.</summary>
    public static async Task<int> RunAsync(string executable, string project, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? path = Find(executable, project);
        if (path is null)
        {
            Cli.Error($"{executable} is not beside cordon ({AppContext.BaseDirectory}); publish it beside cordon (scripts/publish-companion.sh playground|serve|mcp), or run: dotnet run --project src/{project} -- {string.Join(' ', args)}");
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
            // Ctrl-C reached the companion too (same process group); let it stop by itself.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return process.ExitCode;
    }

    /// <summary>Beside cordon (a published layout), or the project's own build output (a development tree).</summary>
    private static string? Find(string executable, string project)
    {
        string beside = Path.Combine(AppContext.BaseDirectory, executable);
        if (File.Exists(beside)) return beside;
        // src/Cordon.Cli/bin/CONFIG/TFM/ → src/PROJECT/bin/CONFIG/TFM/
        DirectoryInfo output = new(AppContext.BaseDirectory.TrimEnd('/'));
        if (output.Parent?.Parent?.Parent is { Name: "Cordon.Cli" } cli && cli.Parent is { } src)
        {
            string built = Path.Combine(src.FullName, project, "bin", output.Parent.Name, output.Name, executable);
            if (File.Exists(built)) return built;
        }

        return null;
    }
}
