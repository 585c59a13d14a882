using System.Text;
using Cordon.Backends.Process;
using Cordon.Cli.Commands;
using Cordon.Execution;
using Cordon.PolicyFiles;

namespace Cordon.Cli.Reporting;

/// <summary><c>cordon run --dry-run</c>: the resolved policy and exactly what would be executed; nothing is started.</summary>
internal static class DryRunReport
{
    public static int Write(RunOptions options)
    {
        var text = new StringBuilder();
        text.Append("# cordon run --dry-run: nothing was started\n\n# The resolved policy\n").Append(PolicyFile.Format(options.Policy)).Append('\n');
        if (!options.Tier.HasProcesses && !options.Contain)
        {
            text.Append("# Tier: ").Append(options.Tier.Name).Append("\n# ").Append(Quote(options.Program))
                .Append(" would run in this process (").Append(options.Tier.Summary).Append("), with the grants and limits above.\n");
            Console.Out.Write(text.ToString());
            return 0;
        }

        var command = new SandboxCommand(options.Program, options.Arguments)
        {
            WorkingDirectory = options.WorkingDirectory,
            StandardInput = options.StandardInputPath is null ? (ReadOnlyMemory<byte>?)null : ReadOnlyMemory<byte>.Empty,
        };
        LaunchPlan plan = RunCommand.ProcessBackend().Plan(options.Policy, command);
        text.Append("# Tier: process").Append(options.Contain ? $" (the {options.Tier.Name} runner contained as its guest)" : "").Append('\n');
        text.Append("\n# The launch chain's argv, one argument per line\n");
        for (int i = 0; i < plan.Argv.Length; i++) text.Append(Quote(plan.Argv[i])).Append(i + 1 < plan.Argv.Length ? " \\\n" : "\n");
        text.Append("\n# bwrap's options, read from its --args descriptor\n");
        foreach (string option in plan.BwrapOptions) text.Append(Quote(option)).Append('\n');
        text.Append("\n# Descriptors of the chain\n");
        foreach (var fd in plan.Descriptors) text.Append(fd).Append('\n');
        text.Append("\n# Launcher steps\n");
        foreach (string step in plan.LauncherSteps) text.Append("- ").Append(step).Append('\n');
        text.Append("\n# Seccomp filter\n").Append(plan.FilterSummary).Append('\n');
        text.Append("\n# Cgroup limits\n");
        foreach (string limit in plan.CgroupLimits) text.Append(limit).Append('\n');
        if (!plan.Warnings.IsEmpty) text.Append("\n# Warnings the run would report\n");
        foreach (string warning in plan.Warnings) text.Append("- ").Append(warning).Append('\n');
        text.Append("\n# Streams\n")
            .Append(options.Tty ? "stdin, stdout, stderr: a new pseudo-terminal\n"
                : options.StandardInputPath is { } stdin ? $"stdin: streamed from {(stdin == "-" ? "cordon's own stdin" : stdin)}\n" : "stdin: /dev/null\n");
        Console.Out.Write(Output.UntrustedText.ForTerminal(text.ToString()));
        return 0;
    }

    /// <summary>Single-quoted for a POSIX shell when needed.</summary>
    private static string Quote(string value)
        => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or ',' or ':' or '=' or '+' or '@')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
