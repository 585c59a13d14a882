using System.Text;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon man</c>: the cordon(1) man page in roff, generated from <see cref="RunOptionTable"/> like <c>--help</c> (<c>cordon man | man -l -</c>).</summary>
internal static class ManPage
{
    public static int Execute(IReadOnlyList<string> args)
    {
        if (args.Count > 0)
        {
            Cli.Error("usage: cordon man   (prints the man page; read it with cordon man | man -l -)");
            return ExitCodes.Usage;
        }

        Console.Out.Write(Render());
        return 0;
    }

    internal static string Render()
    {
        var text = new StringBuilder()
            .Append(".TH CORDON 1 \"\" \"cordon\" \"User Commands\"\n")
            .Append(".SH NAME\ncordon \\- deny-by-default sandboxing for code you do not trust\n")
            .Append(".SH SYNOPSIS\n.B cordon run\n[\\fIoptions\\fR] [\\fB\\-\\-\\fR] \\fIPROGRAM\\fR [\\fIARGS\\fR...]\n")
            .Append(".SH DESCRIPTION\nRuns one command confined: namespaces, a seccomp allowlist, Landlock, a per-run cgroup and rlimits (the process tier), ")
            .Append("or a WebAssembly module under Wasmtime (the wasm tier). Every door is closed unless an option opens it.\n")
            .Append(".SH OPTIONS\n");
        foreach (var section in RunOptionTable.Default.All.GroupBy(o => o.Section))
        {
            text.Append(".SS ").Append(Escape(section.Key)).Append('\n');
            foreach (RunOption o in section)
            {
                text.Append(".TP\n");
                if (o.Short is { } s) text.Append("\\fB\\-").Append(s).Append("\\fR, ");
                text.Append("\\fB").Append(Escape(o.Long)).Append("\\fR");
                if (o.Value is { } v) text.Append(" \\fI").Append(Escape(v)).Append("\\fR");
                text.Append('\n').Append(Escape(o.Help)).Append('\n');
            }
        }

        text.Append(".SH EXIT STATUS\nThe guest's own exit code when it exited by itself; 128+N when a signal N killed it; ")
            .Append("124 wall-clock limit; 152 CPU-time limit; 137 memory limit; 123 process limit; 122 output limit (kill); 120 a writable grant's disk budget (--disk) was full; 159 refused syscall (kill); ")
            .Append("121 Wasm trap; 141 cordon's stdout or stderr was closed; 128+N canceled by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT); ")
            .Append("125 cordon itself failed (a usage error in any command, an invalid policy, a setup error); 126 the program cannot be executed; 127 the program was not found.\n")
            .Append(".SH SEE ALSO\n\\fBbwrap\\fR(1), \\fBtimeout\\fR(1); docs/policy-reference.md and docs/threat-model.md in the Cordon repository.\n");
        return text.ToString();
    }

    /// <summary>Backslashes and hyphens as roff wants them, and no line starting with a control character.</summary>
    private static string Escape(string text)
    {
        string escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal);
        return escaped.StartsWith('.') || escaped.StartsWith('\'') ? "\\&" + escaped : escaped;
    }
}
