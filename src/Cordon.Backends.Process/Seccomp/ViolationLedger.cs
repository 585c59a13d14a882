using System.Collections.Immutable;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>Counts refused syscalls by number for one run and reports them as <see cref="SyscallViolation"/>s.</summary>
/// <remarks>
/// Recording never allocates for numbers up to <see cref="X64SyscallTable.HighestNumber"/> (a fixed array), so a guest that
/// makes a million refused calls costs a million increments. Numbers outside that range (x86-64 numbers newer than Cordon,
/// or garbage such as <c>syscall(-5)</c>) are counted individually up to <see cref="MaxDistinctOutOfRange"/> distinct
/// numbers, and together as <c>nr-other</c> (number -1) beyond that. Thread-safe.
/// </remarks>
internal sealed class ViolationLedger
{
    /// <summary>How many distinct out-of-range numbers are counted individually.</summary>
    internal const int MaxDistinctOutOfRange = 64;

    /// <summary>The <see cref="SyscallViolation.Number"/> of the bucket for out-of-range numbers beyond the cap.</summary>
    internal const int OtherNumber = -1;

    private readonly Lock _lock = new();
    private readonly long[] _counts = new long[X64SyscallTable.HighestNumber + 1];
    private readonly Dictionary<int, long> _outOfRange = [];
    private long _other;
    private long _total;
    private int? _killing;

    /// <summary>Total refused calls recorded.</summary>
    internal long TotalCount
    {
        get { lock (_lock) return _total; }
    }

    /// <summary>The number of the refused call that ended the run in kill mode, or null.</summary>
    internal int? KillingSyscall
    {
        get { lock (_lock) return _killing; }
    }

    /// <summary>Records a refused call the guest saw fail (errno) and went on from.</summary>
    internal void RecordRefused(int number)
    {
        lock (_lock)
        {
            Count(number);
        }
    }

    /// <summary>Records a refused call in kill mode. True when it is the first, i.e. the call that ends the run.</summary>
    internal bool RecordKill(int number)
    {
        lock (_lock)
        {
            Count(number);
            if (_killing is not null) return false;
            _killing = number;
            return true;
        }
    }

    /// <summary>The violations, most frequent first (then by name): action <c>kill</c> for the call that ended the run, else <c>errno</c>.</summary>
    internal ImmutableArray<SyscallViolation> ToViolations()
    {
        lock (_lock)
        {
            var violations = new List<SyscallViolation>();
            for (int number = 0; number < _counts.Length; number++)
            {
                if (_counts[number] > 0) violations.Add(Violation(number, _counts[number]));
            }

            foreach ((int number, long count) in _outOfRange) violations.Add(Violation(number, count));
            if (_other > 0) violations.Add(new SyscallViolation("nr-other", OtherNumber, _other, "errno"));

            return [.. violations.OrderByDescending(v => v.Count).ThenBy(v => v.Syscall, StringComparer.Ordinal)];
        }
    }

    private void Count(int number)
    {
        _total++;
        if ((uint)number < (uint)_counts.Length)
        {
            _counts[number]++;
        }
        else if (_outOfRange.TryGetValue(number, out long count))
        {
            _outOfRange[number] = count + 1;
        }
        else if (_outOfRange.Count < MaxDistinctOutOfRange)
        {
            _outOfRange[number] = 1;
        }
        else
        {
            _other++;
        }
    }

    private SyscallViolation Violation(int number, long count)
        => new(X64SyscallTable.NameOf(number) ?? $"nr-{number}", number, count, number == _killing ? "kill" : "errno");
}
