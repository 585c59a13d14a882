namespace Cordon.Workloads.Tests.Tools;

/// <summary>The vendored inputs in Fixtures/, copied next to the test assembly.</summary>
public static class Fixtures
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    /// <summary>Copies a fixture directory into <paramref name="target"/>, world-readable.</summary>
    public static void CopyDirectory(string name, string target)
    {
        string source = Path(name);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
            File.SetUnixFileMode(to, (UnixFileMode)0b110_100_100);
        }

        foreach (string dir in Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories).Append(target))
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }
    }
}
