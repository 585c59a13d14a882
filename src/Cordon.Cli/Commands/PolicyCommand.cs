using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;
using Cordon.PolicyFiles;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon policy check FILE...</c> and <c>cordon policy show FILE|PROFILE</c>.</summary>
internal static class PolicyCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;

    public const string Usage = """
        usage: cordon policy check [--tier T] FILE...   validate policy files; every error with file:line:column, and
                                                    what tier T (default: every tier) would refuse or weaken
               cordon policy show FILE|PROFILE      print the fully resolved effective policy (extends and defaults applied)

        A name without '/' or a .toml suffix is a built-in profile (cordon profiles lists them).
        Exit codes: 0 valid, 1 invalid (errors on stderr), 125 usage error.
        """;

    public static int Execute(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Count == 0 ? ExitCodes.Usage : 0;
        }

        switch (args[0])
        {
            case "check" when args.Count >= 4 && args[1] == "--tier" && !args.Skip(3).Any(IsOption):
                if (CliTiers.Registry.Find(args[2]) is not { } tier)
                {
                    Cli.Error($"--tier: '{args[2]}' is not a tier; use {string.Join(", ", CliTiers.Registry.All.Select(t => t.Name))}");
                    return ExitCodes.Usage;
                }

                return Check(args.Skip(3), [tier]);
            case "check" when args.Count >= 2 && !args.Skip(1).Any(IsOption):
                return Check(args.Skip(1), CliTiers.Registry.All);
            case "show" when args.Count == 2 && !IsOption(args[1]):
                if (!TryResolve(args[1], out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors))
                {
                    ReportErrors(errors);
                    return Invalid;
                }

                Console.Out.Write(PolicyFile.Format(policy));
                return Valid;
            case "check" or "show":
                Cli.Error($"policy {args[0]} needs {(args[0] == "check" ? "one or more policy files" : "exactly one policy file or profile name")}\n{Usage}");
                return ExitCodes.Usage;
            default:
                Cli.Error($"'{string.Join(' ', args)}' is not a policy command\n{Usage}");
                return ExitCodes.Usage;
        }
    }

    /// <summary>Validates each file, then asks each of <paramref name="tiers"/> what it would refuse (an error) or weaken (a warning).</summary>
    internal static int Check(IEnumerable<string> files, IEnumerable<Cordon.Tiers.ISandboxTier> tiers, Action<string>? error = null)
    {
        error ??= Cli.Error;
        int result = Valid;
        foreach (string file in files)
        {
            if (!PolicyFile.TryLoad(file, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors))
            {
                ReportErrors(errors);
                Console.Out.WriteLine($"{file}: {errors.Length} error(s)");
                result = Invalid;
                continue;
            }

            List<string> refusedBy = [];
            foreach (Cordon.Tiers.ISandboxTier tier in tiers)
            {
                Cordon.Tiers.PolicyAssessment fit = tier.Assess(policy);
                foreach (Cordon.Tiers.FacetFinding finding in fit.Findings)
                {
                    string verdict = finding.Support == Cordon.Tiers.FacetSupport.Refused ? "refused" : "weakened";
                    error($"{file}: {finding.Setting}: the {tier.Name} tier {verdict} it: {finding.Message}");
                }

                if (!fit.Accepted) refusedBy.Add(tier.Name);
            }

            if (refusedBy.Count > 0 && refusedBy.Count == tiers.Count())
            {
                Console.Out.WriteLine($"{file}: refused by {(refusedBy.Count == 1 ? "the " + refusedBy[0] + " tier" : "every tier")}");
                result = Invalid;
            }
            else
            {
                Console.Out.WriteLine($"{file}: ok ({Describe(policy)}){(refusedBy.Count > 0 ? $"; refused by the {string.Join(", ", refusedBy)} tier{(refusedBy.Count > 1 ? "s" : "")}" : "")}");
            }
        }

        return result;
    }

    /// <summary>A file when it exists or looks like a path, otherwise a built-in profile name.</summary>
    public static bool TryResolve(string reference, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors)
        => File.Exists(reference) || !PolicyFile.IsProfileReference(reference)
            ? PolicyFile.TryLoad(reference, out policy, out errors)
            : PolicyFile.TryLoadReference(reference, out policy, out errors);

    /// <summary>The basis policy of <c>cordon run</c>: <c>--policy FILE</c> or <c>--profile NAME</c>. Every problem of the file comes back at once.</summary>
    public static (SandboxPolicy? Basis, ImmutableArray<PolicyError> Errors) LoadBasis(string option, string value)
    {
        if (option == "--profile" && !PolicyFile.IsProfileReference(value))
            return (null, [new PolicyError("--profile", $"'{value}' is a path; use --policy for files", "--profile")]);
        bool ok = option == "--policy"
            ? PolicyFile.TryLoad(value, out SandboxPolicy? policy, out ImmutableArray<PolicyError> errors)
            : PolicyFile.TryLoadReference(value, out policy, out errors);
        return ok ? (policy, []) : (null, errors);
    }

    public static void ReportErrors(IEnumerable<PolicyError> errors)
    {
        foreach (PolicyError error in errors) Cli.Error(error.ToString());
    }

    private static string Describe(SandboxPolicy policy)
        => $"{policy.Mounts.Length} mount(s), network {policy.Network.ToString().ToLowerInvariant()}, syscalls {policy.Syscalls.Profile.ToString().ToLowerInvariant()}";

    private static bool IsOption(string arg) => arg.StartsWith('-');
}
