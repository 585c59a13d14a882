using System.Globalization;

namespace Cordon.Backends.Process.Planning;

/// <summary>One row of the launch chain's descriptor table: the number the chain finds it at and what it holds.</summary>
/// <param name="Number">The descriptor number in the spawned <c>cordon-launch enter</c> (and, inherited, in bwrap and init).</param>
/// <param name="Role">What it holds.</param>
/// <param name="Index">Which one of its role, counted from 0 (the Kth generated file, grant, inherited file...); 0 for single roles.</param>
/// <param name="Description">What it is, for people.</param>
public sealed record PlannedDescriptor(int Number, DescriptorRole Role, int Index, string Description)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Number}: {Description}");
}
