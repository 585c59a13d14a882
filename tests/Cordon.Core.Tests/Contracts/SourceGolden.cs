using System.Runtime.CompilerServices;

namespace Cordon.Core.Tests.Contracts;

/// <summary>Files compared exactly with what the code produces now; CORDON_UPDATE_GOLDEN=1 rewrites them in the source tree instead.</summary>
internal static class SourceGolden
{
    public static void AssertMatches(string relativePath, string actual, [CallerFilePath] string caller = "")
    {
        string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, relativePath));
        if (Environment.GetEnvironmentVariable("CORDON_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        string expected = File.Exists(path) ? File.ReadAllText(path) : "(missing)";
        Assert.True(expected == actual, $"{relativePath} differs from the code (CORDON_UPDATE_GOLDEN=1 rewrites it):\n--- expected\n{expected}\n--- actual\n{actual}");
    }
}
