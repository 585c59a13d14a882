using System.Globalization;
using Cordon.Errors;
using Cordon.Selftest;
using Cordon.Selftest.Probes;
using Cordon.Selftest.Reporting;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon selftest</c>: the escape and resource-bomb suite, run on this host as this user, judged from the host.</summary>
internal static class SelftestCommand
{
    /// <summary>Some probe failed (ESCAPED, INCONCLUSIVE, HARNESS-ERROR) or something outlived the suite.</summary>
    public const int ProbesFailed = 1;

    public static readonly string Usage = $"""
        usage: cordon selftest [--json] [--only PATTERN] [--category C] [--parallel N] [--list] [--tier T] [--rootfs DIR | --image PATH[:TAG]]

        Runs {SelftestRunner.Catalogue.Count} hostile probes inside a tier (the process tier by default), each under production's policy, and judges each
        from host-side evidence (outcome, cgroup counters, seccomp refusals, canaries planted outside the box,
        teardown). Positive controls run first. Resource probes whose limit this host cannot enforce for this
        user (no cgroup) report DEGRADED with the reason.

          --json           one JSON document on stdout instead of the table
          --only PATTERN   probes, comma-separated: an id, a glob (* ?) or a substring (e.g. net-*,fork)
          --category C     one of: {string.Join(", ", ProbeCategories.All.Skip(1))}
          --parallel N     probes at once (default 4; CPU hogs always run alone)
          --list           list the selected probes and exit
          --tier T         run the probes on tier T (process, gvisor); on a tier with its own kernel a probe is
                           judged by its contained outcome, and one that cannot apply there says so (DEGRADED)
          --rootfs DIR     the probes' root filesystem is the unpacked root DIR instead of the host's system directories
          --image PATH[:TAG]  the same with an OCI image's root (verified and unpacked as cordon run --image does);
                           a probe whose interpreter or loader the root lacks says so (DEGRADED)

        exit: 0 every probe passed (DEGRADED allowed), 1 a probe failed or something outlived the suite,
              125 bad option or Cordon could not run, 130 canceled
        """;

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        bool json = false, list = false;
        var options = new SelftestOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--help" or "-h":
                    Console.Out.WriteLine(Usage);
                    return 0;
                case "--json":
                    json = true;
                    break;
                case "--list":
                    list = true;
                    break;
                case "--only" when i + 1 < args.Count:
                    options = options with { Only = args[++i] };
                    break;
                case "--category" when i + 1 < args.Count:
                    if (!ProbeCategories.TryParse(args[++i], out ProbeCategory category))
                        return Fail($"unknown category '{args[i]}'; use one of {string.Join(", ", ProbeCategories.All)}");
                    options = options with { Category = category };
                    break;
                case "--tier" when i + 1 < args.Count:
                    string name = args[++i];
                    if (CliTiers.Registry.Find(name) is not { } tier)
                        return Fail($"unknown tier '{name}'; use one of {string.Join(", ", CliTiers.Registry.All.Select(t => t.Name))}");
                    if (!tier.HasProcesses)
                        return Fail($"the {name} tier runs no host programs, and the probes are host programs; use a tier with processes ({string.Join(", ", CliTiers.Registry.All.Where(t => t.HasProcesses).Select(t => t.Name))})");
                    options = options with { Tier = tier };
                    break;
                case "--rootfs" when i + 1 < args.Count:
                    if (options.Root is not null) return Fail("--image and --rootfs each give the probes' root; give one of them");
                    string rootfs = Path.GetFullPath(args[++i]);
                    if (!Directory.Exists(rootfs)) return Fail($"--rootfs {args[i]}: no such directory; give an unpacked root filesystem");
                    options = options with { Root = Cordon.Policy.FilesystemRoot.Image(rootfs) };
                    break;
                case "--image" when i + 1 < args.Count:
                    if (options.Root is not null) return Fail("--image and --rootfs each give the probes' root; give one of them");
                    if (RunParseContext.Host.PrepareImage(Images.ImageReference.Parse(args[++i]), out string? problem) is not { } image)
                        return Fail($"--image {args[i]}: {problem}");
                    options = options with { Root = Cordon.Policy.FilesystemRoot.Image(image.RootfsPath) };
                    break;
                case "--parallel" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 64)
                        return Fail($"--parallel takes a number from 1 to 64, not '{args[i]}'");
                    options = options with { MaxParallelism = n };
                    break;
                default:
                    return Fail(arg.StartsWith('-') && arg is "--only" or "--category" or "--parallel" or "--tier" or "--rootfs" or "--image"
                        ? $"{arg} needs a value" : $"unknown option '{arg}'; run cordon selftest --help");
            }
        }

        // The process tier without a root of its own is the runner's own, unchanged path; any other choice goes through the tier.
        if (options.Tier?.Name == "process" && options.Root is null) options = options with { Tier = null };
        else if (options.Root is not null && options.Tier is null) options = options with { Tier = CliTiers.Registry.Find("process") };
        IReadOnlyList<ProbeInfo> selected = SelftestRunner.Select(options);
        if (selected.All(p => p.Category == ProbeCategory.Control) && (options.Only is not null || options.Category is not null))
            return Fail($"no probe matches {options.Only ?? ProbeCategories.Name(options.Category!.Value)}; cordon selftest --list shows them");
        if (list)
        {
            foreach (ProbeInfo p in selected)
                Console.Out.WriteLine($"{p.Id,-26} {ProbeCategories.Name(p.Category),-16} {p.Description}");
            return 0;
        }

        bool progress = !json && !Console.IsErrorRedirected;
        int done = 0;
        if (progress)
        {
            options = options with
            {
                OnResult = r => Console.Error.Write($"\rcordon selftest: {Interlocked.Increment(ref done)}/{selected.Count} probes judged"),
            };
        }

        try
        {
            SelftestReport report = await new SelftestRunner(options).RunAsync(cancellationToken).ConfigureAwait(false);
            if (progress) Console.Error.Write("\r\x1b[K");
            if (json)
            {
                using Stream stdout = Console.OpenStandardOutput();
                SelftestJson.Write(stdout, report);
                stdout.Write("\n"u8);
            }
            else
            {
                Console.Out.Write(SelftestTable.Format(report));
            }

            return report.Succeeded ? 0 : ProbesFailed;
        }
        catch (OperationCanceledException)
        {
            Cli.Error("selftest canceled; every sandbox was killed");
            return ExitCodes.Canceled;
        }
        catch (CordonException e)
        {
            Cli.Error(e.Message);
            return ExitCodes.CordonFailed;
        }
    }

    private static int Fail(string message)
    {
        Cli.Error(message);
        return ExitCodes.CordonFailed;
    }
}
