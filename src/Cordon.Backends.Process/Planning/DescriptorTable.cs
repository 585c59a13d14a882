using System.Collections.Immutable;

namespace Cordon.Backends.Process.Planning;

/// <summary>
/// The one descriptor table of a launch: fixed numbers for the chain's own channels (<see cref="LaunchFds"/>), then one
/// number per handed-in object, in the order added. The command line and the spawn both read numbers from here.
/// </summary>
internal sealed class DescriptorTable
{
    private readonly List<PlannedDescriptor> _rows = [];
    private int _next = LaunchFds.FirstData;

    public DescriptorTable Add(DescriptorRole role, int index, string description, int? fixedNumber = null)
    {
        _rows.Add(new PlannedDescriptor(fixedNumber ?? _next++, role, index, description));
        return this;
    }

    /// <summary>The number of the <paramref name="index"/>th descriptor of <paramref name="role"/>.</summary>
    /// <exception cref="InvalidOperationException">The table has no such row: a planner bug, never a guest's doing.</exception>
    public int NumberOf(DescriptorRole role, int index = 0)
    {
        foreach (PlannedDescriptor row in _rows)
        {
            if (row.Role == role && row.Index == index) return row.Number;
        }

        throw new InvalidOperationException($"internal: the launch plan has no descriptor for {role} {index}");
    }

    public ImmutableArray<PlannedDescriptor> Rows => [.. _rows.OrderBy(r => r.Number)];
}

/// <summary>The fixed descriptor numbers of the launch chain; everything handed in per run follows <see cref="FirstData"/>.</summary>
internal static class LaunchFds
{
    public const int Status = 3;
    public const int Notify = 4;
    public const int Bpf = 5;

    /// <summary>bwrap's options, NUL-separated (<c>--args</c>): environment values never appear on a host command line.</summary>
    public const int BwrapArgs = 6;

    /// <summary>bwrap's <c>--info-fd</c>: the JSON naming the sandbox's pid 1 (<c>child-pid</c>), so nobody scans /proc for it.</summary>
    public const int BwrapInfo = 7;

    public const int FirstData = 8;
}
