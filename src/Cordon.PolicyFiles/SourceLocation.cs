using System.Globalization;

namespace Cordon.PolicyFiles;

/// <summary>Where a value was written: file (or profile) name, 1-based line and column.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}");
}
