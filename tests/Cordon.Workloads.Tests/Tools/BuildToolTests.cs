using Cordon.Execution;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Tools;

/// <summary>Build and test runners: <c>npm test</c> of an offline project, and a parallel <c>make</c>.</summary>
public class BuildToolTests : WorkloadTest
{
    [Fact]
    public async Task Npm_test_of_an_offline_project_passes_under_the_node_profile()
    {
        string project = HostDirectory();
        Fixtures.CopyDirectory("npm-project", project);
        const string Script = "cd /app && npm test";

        // Read-only project; npm's cache and logs go to HOME=/work, a private tmpfs. The network is off: npm needs none
        // for a project without dependencies (its own update check fails quietly, see the refused socket calls).
        SandboxResult r = await ShAsync(Policy("node", b => b.MountReadOnly(project, "/app")), Script);

        AssertExited(r);
        Assert.Contains("# pass 2", Stdout(r), StringComparison.Ordinal);
        Assert.Contains("# fail 0", Stdout(r), StringComparison.Ordinal);
        Assert.All(r.Violations, v => Assert.Equal("socket", v.Syscall));
        HostRun.Result bare = HostRun.Sh(project, "npm test");
        Assert.True(bare.ExitCode == 0, "npm test fails on the bare host too: " + bare.Stdout + bare.Stderr);
        CorpusTable.Record("`npm test` (offline project, 2 tests)", "--profile node --ro project:/app", (2, 0), (2, 0),
            "IP sockets refused (npm's update check); nothing else");
    }

    [Fact]
    public async Task Make_j2_builds_and_runs_a_program_in_the_work_directory()
    {
        string project = WritableGrant.Prepare(HostDirectory());
        Fixtures.CopyDirectory("make-project", project);

        SandboxResult r = await RunAsync(Policy("gcc", b => b.WithWorkDirectory(project)), "make", ["-j2"]);

        AssertExited(r);
        Assert.Equal("42\n", await File.ReadAllTextAsync(Path.Combine(project, "answer.txt")));
        WritableGrant.AssertOwnedLikeDirectory(project, Path.Combine(project, "answer"));
        string bareProject = HostDirectory();
        Fixtures.CopyDirectory("make-project", bareProject);
        bool bareBuilt = HostRun.Run(bareProject, "make", "-j2").ExitCode == 0 && File.ReadAllText(Path.Combine(bareProject, "answer.txt")) == "42\n";
        CorpusTable.Record("`make -j2` (2 objects, link, run)", "--profile gcc --workdir project", bareBuilt ? (1, 0) : (0, 1), (1, 0));
    }
}
