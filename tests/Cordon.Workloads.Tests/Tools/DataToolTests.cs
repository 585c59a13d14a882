using Cordon.Execution;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Tools;

/// <summary>Everyday data tools on an input handed in with <c>--file</c>, working in the private /work.</summary>
public class DataToolTests : WorkloadTest
{
    private const string Csv = "name,score\nada,40\nbob,2\n";

    /// <summary>sqlite3 imports the CSV and sums it; tar + gzip archive it, list it, and round-trip a stream.</summary>
    private static string Script(string input) => $"""
        sqlite3 scores.db '.mode csv' '.import {input} scores' 'select sum(score) from scores;' &&
        mkdir data && cp {input} data/ && tar czf data.tgz data && gzip -t data.tgz && tar tzf data.tgz &&
        gzip -c {input} | gzip -dc | cmp - {input} && echo round-trip
        """;

    [Fact]
    public async Task Sqlite3_tar_and_gzip_work_on_a_handed_in_file()
    {
        string input = HostFile("scores.csv", System.Text.Encoding.ASCII.GetBytes(Csv));
        const string Expected = "42\ndata/\ndata/scores.csv\nround-trip\n";

        SandboxResult r = await ShAsync(Policy("shell", b => b.CopyFile("/in/scores.csv", input)), Script("/in/scores.csv"));

        AssertExited(r);
        Assert.Equal(Expected, Stdout(r));
        Assert.Empty(r.Violations);
        HostRun.Result bare = HostRun.Sh(HostDirectory(), Script(input));
        Assert.Equal(Expected, bare.Stdout);
        CorpusTable.Record("sqlite3 import + query, tar czf/tzf, gzip", "--profile shell --file /in/scores.csv=scores.csv", (1, 0), (1, 0));
    }
}
