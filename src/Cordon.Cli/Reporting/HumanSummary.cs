using System.Globalization;
using System.Text;
using Cordon.Contracts;
using Cordon.Execution;
using Cordon.Output;
using Cordon.Units;

namespace Cordon.Cli.Reporting;

/// <summary>The one-line summary <c>cordon run</c> prints to stderr after a run, plus warnings and violations.</summary>
internal static class HumanSummary
{
    public static string Format(SandboxResult result)
    {
        var line = new StringBuilder("cordon: ");
        line.Append(WireNames.Outcome(result.Outcome));
        if (result.ExitCode is { } code) line.Append(CultureInfo.InvariantCulture, $" (exit {code})");
        if (result.Signal is { } signal) line.Append(CultureInfo.InvariantCulture, $" (signal {signal})");
        line.Append(CultureInfo.InvariantCulture, $" · wall {result.WallTime.TotalMilliseconds:0} ms · cpu {result.Usage.TotalCpuTime.TotalMilliseconds:0} ms");
        if (result.Usage.PeakMemoryBytes is { } peak) line.Append(CultureInfo.InvariantCulture, $" · peak memory {peak / (double)ByteSize.MiB:0.0} MiB");
        if (result.StandardOutput.Truncated) line.Append(CultureInfo.InvariantCulture, $" · stdout truncated ({result.StandardOutput.TotalBytes} bytes written)");
        if (result.StandardError.Truncated) line.Append(CultureInfo.InvariantCulture, $" · stderr truncated ({result.StandardError.TotalBytes} bytes written)");
        if (result.Detail is { } detail) line.Append(" · ").Append(UntrustedText.ForTerminal(detail));
        line.Append('\n');
        foreach (SyscallViolation v in result.Violations)
        {
            line.Append(CultureInfo.InvariantCulture, $"cordon: refused syscall {v.Syscall} ×{v.Count} ({v.Action})\n");
        }

        foreach (NetworkViolation v in result.NetworkViolations.IsDefault ? [] : result.NetworkViolations)
        {
            string address = v.Address.Contains(':', StringComparison.Ordinal) ? $"[{v.Address}]" : v.Address;
            // The name is the guest's (a lookup) or one the guest looked up: untrusted text.
            string? host = v.Host is null ? null : UntrustedText.ForTerminal(v.Host);
            string what = v.Via switch
            {
                "dns" when v.Address.Length == 0 => $"name lookup {host}",
                "dns" => $"answer {address} for {host}",
                "bind" or "listen" => $"{v.Via} on {address}:{v.Port}/{v.Protocol}",
                "sendto" => $"datagram to {address}:{v.Port}/{v.Protocol}",
                _ => host is null ? $"connection to {address}:{v.Port}/{v.Protocol}" : $"connection to {host} ({address}):{v.Port}/{v.Protocol}",
            };
            line.Append(CultureInfo.InvariantCulture, $"cordon: refused {what} ×{v.Count} ({v.Reason})\n");
        }

        if (result.Details is JavaScriptDetails js)
        {
            foreach (string denial in js.Denials) line.Append("cordon: denied: ").Append(UntrustedText.ForTerminal(denial)).Append('\n');
        }

        foreach (string warning in result.Warnings)
        {
            line.Append("cordon: warning: ").Append(UntrustedText.ForTerminal(warning)).Append('\n');
        }

        return line.ToString();
    }
}
