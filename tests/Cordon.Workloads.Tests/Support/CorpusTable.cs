using System.Globalization;

namespace Cordon.Workloads.Tests.Support;

/// <summary>
/// One row of the corpus table (docs/workloads.md) per workload: written only when CORDON_WORKLOAD_RESULTS names a file
/// (scripts/workload-table.sh sets it, then turns the rows into the table).
/// </summary>
public static class CorpusTable
{
    private static readonly Lock Gate = new();

    /// <summary>Whether this run records rows (and so also runs the costly bare controls).</summary>
    public static bool Recording => Environment.GetEnvironmentVariable("CORDON_WORKLOAD_RESULTS") is { Length: > 0 };

    /// <param name="workload">What ran.</param>
    /// <param name="policy">The profile and grants, as command-line flags.</param>
    /// <param name="bare">Pass/fail counts on the bare host, or null when not run bare (hostile programs).</param>
    /// <param name="cordon">Pass/fail counts under Cordon.</param>
    /// <param name="note">Why the counts differ, if they do.</param>
    public static void Record(string workload, string policy, (int Passed, int Failed)? bare, (int Passed, int Failed) cordon, string note = "")
    {
        if (Environment.GetEnvironmentVariable("CORDON_WORKLOAD_RESULTS") is not { Length: > 0 } path) return;
        string Counts((int Passed, int Failed)? c) => c is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.Passed} / {v.Failed}") : "not run bare";
        string row = string.Join('\t', workload, policy, Counts(bare), Counts(cordon), note.Replace('\t', ' ').Replace('\n', ' '));
        lock (Gate) File.AppendAllText(path, row + "\n");
    }
}
