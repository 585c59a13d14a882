using System.Collections.Immutable;

namespace Cordon.Service.Runtimes;

/// <summary>
/// One language the service runs: the tier and built-in profile it runs under, the file it expects first, how it is
/// started and, for compiled languages, the compile step (its own sandbox, its own result).
/// </summary>
/// <param name="Name">The native API's name: <c>python3</c>, <c>c++</c>.</param>
/// <param name="PistonLanguage">The name Piston clients use: <c>python</c>, <c>javascript</c>.</param>
/// <param name="Aliases">Other names accepted for it (Piston's aliases).</param>
/// <param name="Version">The host's version of it.</param>
/// <param name="Tier">The tier it runs on.</param>
/// <param name="Profile">The built-in profile of the run (null for the in-process tiers, which take a limits-only policy).</param>
/// <param name="DefaultEntry">The entry file's name when a request names none and uploads one unnamed file.</param>
/// <param name="Program">The program run, a guest path (process tier); the in-process tiers run the entry file itself.</param>
/// <param name="Compile">The compile step, or null.</param>
internal sealed record ServiceRuntime(
    string Name,
    string PistonLanguage,
    ImmutableArray<string> Aliases,
    string Version,
    string Tier,
    string? Profile,
    string DefaultEntry,
    string? Program,
    CompileStep? Compile)
{
    /// <summary>The guest path of the compiled program.</summary>
    public const string CompiledProgram = "/work/.cordon-prog";

    /// <summary>Whether <paramref name="name"/> names this runtime (case-insensitive, aliases too).</summary>
    public bool Answers(string name)
        => string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || string.Equals(name, PistonLanguage, StringComparison.OrdinalIgnoreCase)
            || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The guest argv of the run: the interpreter and the entry file (or the compiled program), then the caller's arguments.</summary>
    public ImmutableArray<string> RunArguments(string entry, ImmutableArray<string> arguments)
        => Compile is not null ? arguments : [entry, .. arguments];
}

/// <summary>A compile step: the compiler (a guest path) and its arguments before the source files, under the <c>gcc</c> profile.</summary>
/// <param name="Compiler">The compiler's guest path.</param>
/// <param name="Arguments">Its arguments; the source files and <c>-o</c> follow.</param>
/// <param name="SourceExtensions">The uploaded files passed to the compiler.</param>
internal sealed record CompileStep(string Compiler, ImmutableArray<string> Arguments, ImmutableArray<string> SourceExtensions);
