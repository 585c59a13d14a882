namespace Cordon.Errors;

/// <summary>One problem found while validating a policy.</summary>
/// <param name="Key">The setting at fault, e.g. <c>limits.memory</c> or <c>mounts[2].guest</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
/// <param name="Source">Where the value came from (file:line:column or a CLI option), when known.</param>
public sealed record PolicyError(string Key, string Message, string? Source = null)
{
    /// <inheritdoc />
    public override string ToString() => Source is null || Source == Key ? $"{Key}: {Message}" : $"{Source}: {Key}: {Message}";
}
