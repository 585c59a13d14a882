namespace Cordon.Mcp.Tests.Support;

internal static class Repository
{
    /// <summary>The checkout this test assembly was built from (the directory holding Cordon.slnx).</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Cordon.slnx"))) return d.FullName;
        throw new InvalidOperationException($"no Cordon.slnx above {AppContext.BaseDirectory}");
    }
}
