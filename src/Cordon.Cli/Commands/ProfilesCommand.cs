using Cordon.PolicyFiles.Profiles;

namespace Cordon.Cli.Commands;

/// <summary><c>cordon profiles</c>: the built-in runtime profiles, one line each.</summary>
internal static class ProfilesCommand
{
    public static int Execute(IReadOnlyList<string> args)
    {
        if (args.Count > 0)
        {
            if (args[0] is "--help" or "-h")
            {
                Console.Out.WriteLine("usage: cordon profiles    list the built-in profiles (use one with run --profile NAME or extends = \"NAME\")");
                return 0;
            }

            Cli.Error("cordon profiles takes no arguments; cordon policy show NAME prints one profile in full");
            return ExitCodes.Usage;
        }

        int width = BuiltInProfiles.Names.Max(n => n.Length) + 2;
        foreach (RuntimeProfile profile in BuiltInProfiles.Profiles)
        {
            Console.Out.WriteLine(profile.Name.PadRight(width) + profile.Summary);
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine("cordon run --profile NAME -- CMD runs under one; cordon policy show NAME prints it in full.");
        return 0;
    }
}
