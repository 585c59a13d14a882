using Cordon.Diagnostics;
using System.Text.Json;
using Cordon.Backends.Process.Diagnostics;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon doctor</c>: which layers this host can enforce, with the fix for each that it cannot.</summary>
internal static class DoctorCommand
{
    public const int NotFullyEnforced = 1;

    public const string Usage = """
        usage: cordon doctor [--json]
               cordon doctor --cleanup   remove run cgroups and temp dirs that dead cordon processes left behind

        Checks this host: bubblewrap and its version, user namespaces (including Ubuntu's AppArmor restriction), cgroups
        and which controllers this user can write, seccomp with user notification, the Landlock ABI, privileges, a real
        run of the default policy, whether Cordon runs in a container, each tier (gVisor: runsc, its version, platform and a
        measured start cost), what a planned microVM tier would need (a usable /dev/kvm), and a
        probe script in the in-process JavaScript tier (Jint).
        Exit codes: 0 the default policy is fully enforced, 1 it is not (a required layer is degraded or missing), 125 usage error.
        """;

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        bool json = false, cleanup = false;
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "--json": json = true; break;
                case "--cleanup": cleanup = true; break;
                case "--help" or "-h":
                    Console.Out.WriteLine(Usage);
                    return 0;
                default:
                    Cli.Error($"unexpected argument '{arg}'\n{Usage}");
                    return ExitCodes.Usage;
            }
        }

        if (cleanup) return Cleanup();

        HostReport report = await HostDiagnostics.RunAsync(endToEnd: true, RunCommand.RunIdentities(), cancellationToken).ConfigureAwait(false);
        report = report with { Checks = [.. report.Checks, .. await TierChecksAsync(CliTiers.Registry, cancellationToken).ConfigureAwait(false)] };
        if (json) WriteJson(report);
        else WriteText(report);
        return report.DefaultPolicyEnforced ? 0 : NotFullyEnforced;
    }

    /// <summary>One row per registered tier: whether this host can run it (the process tier's layers have their own rows above).</summary>
    internal static async Task<List<HostCheck>> TierChecksAsync(Cordon.Tiers.TierRegistry tiers, CancellationToken cancellationToken)
    {
        List<HostCheck> checks = [];
        foreach (Cordon.Tiers.ISandboxTier tier in tiers.All) checks.Add(await tier.CheckAvailabilityAsync(cancellationToken).ConfigureAwait(false));
        return checks;
    }

    private static void WriteText(HostReport report)
    {
        TextWriter o = Console.Out;
        int width = Math.Max(16, report.Checks.Max(c => c.Layer.Length) + 2);
        o.WriteLine($"{"LAYER".PadRight(width)}{"STATUS",-11}DETAIL");
        foreach (HostCheck check in report.Checks)
        {
            o.WriteLine($"{check.Layer.PadRight(width)}{Name(check.Status),-11}{check.Detail}");
            if (check.Fix is { } fix && check.Status is LayerStatus.Degraded or LayerStatus.Missing)
                o.WriteLine($"{new string(' ', width)}{(check.Required ? "fix: " : "optional: ")}{fix}");
        }

        o.WriteLine();
        var short_ = report.Checks.Where(c => c.Required && c.Status != LayerStatus.Available).Select(c => $"{c.Layer} {Name(c.Status)}").ToList();
        o.WriteLine(short_.Count == 0
            ? "The default policy is fully enforced on this host."
            : $"The default policy is NOT fully enforced on this host: {string.Join(", ", short_)}.");
    }

    private static void WriteJson(HostReport report)
    {
        Cli.WriteJsonDocument(json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("defaultPolicyEnforced", report.DefaultPolicyEnforced);
            json.WriteNumber("uid", report.Uid);
            json.WriteBoolean("root", report.Uid == 0);
            json.WriteNumber("landlockAbi", report.LandlockAbi);
            json.WriteStartArray("checks");
            foreach (HostCheck check in report.Checks)
            {
                json.WriteStartObject();
                json.WriteString("layer", check.Layer);
                json.WriteString("status", Name(check.Status));
                json.WriteBoolean("required", check.Required);
                json.WriteString("detail", check.Detail);
                if (check.Fix is null) json.WriteNull("fix");
                else json.WriteString("fix", check.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static string Name(LayerStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>
    /// Sweeps what supervisors that died without cleaning up (SIGKILL, a crash) left: their run cgroups in every
    /// hierarchy and their temp dirs, each only after checking that its owner is really gone (and its pid not reused).
    /// </summary>
    private static int Cleanup()
    {
        Backends.Process.Cgroups.SweepReport report = Backends.Process.Cgroups.LeftoverSweep.Run();
        foreach (string removed in report.Removed) Console.Out.WriteLine($"removed {removed}");
        foreach (string problem in report.Problems) Cli.Error(problem);
        if (report.Removed.IsEmpty && report.Problems.IsEmpty) Console.Out.WriteLine("nothing left behind by dead cordon processes");
        return report.Problems.IsEmpty ? 0 : NotFullyEnforced;
    }
}
