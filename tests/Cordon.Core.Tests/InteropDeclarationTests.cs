using System.Text.RegularExpressions;

namespace Cordon.Core.Tests;

/// <summary>
/// Every native function is declared once, under src/Common/Interop, and linked into the assemblies that call it:
/// two declarations of one function could differ in signature, marshalling or errno handling without anyone noticing.
/// </summary>
public sealed partial class InteropDeclarationTests
{
    [Fact]
    public void Each_native_function_is_declared_once_in_the_shared_interop_folder()
    {
        string src = Path.Combine(RepositoryRoot(), "src");
        List<(string File, string Text)> sources = [.. Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(src, f), File.ReadAllText(f)))];

        List<Declaration> declarations = Scan(sources);

        int attributes = sources.Sum(s => Regex.Count(s.Text, @"\[LibraryImport\("));
        Assert.Equal(attributes, declarations.Count); // a declaration without an explicit EntryPoint would escape the check
        Assert.True(declarations.Count > 40, $"the scan found only {declarations.Count} declarations; did the attribute syntax change?");
        Assert.Empty(Duplicates(declarations));
        Assert.Empty(declarations.Where(d => !d.File.StartsWith(Path.Combine("Common", "Interop") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(d => $"{d.File}: {d.EntryPoint}"));
        Assert.Empty(sources.Where(s => s.Text.Contains("[DllImport(", StringComparison.Ordinal)).Select(s => s.File));
    }

    [Fact]
    public void A_second_declaration_of_a_function_is_reported()
    {
        List<Declaration> declarations = Scan([
            ("Common/Interop/Linux/Libc/Interop.Close.cs", """[LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]"""),
            ("Cordon.Backends.Wasm/Interop/Interop.Close.cs", """
                [LibraryImport(Libraries.Libc, EntryPoint = "close")]
                [LibraryImport(Libraries.Libseccomp, EntryPoint = "close")]
                """),
        ]);

        Assert.Equal(3, declarations.Count);
        string duplicate = Assert.Single(Duplicates(declarations));
        Assert.Contains("Libraries.Libc close", duplicate, StringComparison.Ordinal);
        Assert.Contains("Cordon.Backends.Wasm", duplicate, StringComparison.Ordinal);
    }

    private sealed record Declaration(string File, string Library, string EntryPoint);

    private static List<Declaration> Scan(IEnumerable<(string File, string Text)> sources)
        => [.. sources.SelectMany(s => LibraryImport().Matches(s.Text)
            .Select(m => new Declaration(s.File, m.Groups["library"].Value, m.Groups["entry"].Value)))];

    private static List<string> Duplicates(List<Declaration> declarations)
        => [.. declarations.GroupBy(d => (d.Library, d.EntryPoint)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Library} {g.Key.EntryPoint} is declared {g.Count()} times: {string.Join(", ", g.Select(d => d.File))}")];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cordon.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException("Cordon.slnx not found above " + AppContext.BaseDirectory);
    }

    // Every declaration names its entry point explicitly (the method names differ from the C names).
    [GeneratedRegex("""\[LibraryImport\(\s*(?<library>[\w.]+)\s*,\s*EntryPoint\s*=\s*"(?<entry>[^"]+)"[^\]]*\]""")]
    private static partial Regex LibraryImport();
}
