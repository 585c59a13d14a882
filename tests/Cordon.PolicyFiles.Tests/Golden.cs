using System.Runtime.CompilerServices;

namespace Cordon.PolicyFiles.Tests;

/// <summary>Golden files in Golden/: compared exactly; CORDON_UPDATE_GOLDEN=1 rewrites them in the source tree instead.</summary>
internal static class Golden
{
    public static string Input(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    public static string InputPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    public static void AssertMatches(string name, string actual, [CallerFilePath] string caller = "")
    {
        string source = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("CORDON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(source, actual);
            return;
        }

        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));
        Assert.True(expected == actual, $"golden {name} differs (CORDON_UPDATE_GOLDEN=1 rewrites it):\n--- expected\n{expected}\n--- actual\n{actual}");
    }
}
