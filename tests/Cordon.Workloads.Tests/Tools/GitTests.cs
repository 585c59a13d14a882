using Cordon.Execution;
using Cordon.Workloads.Tests.Support;

namespace Cordon.Workloads.Tests.Tools;

/// <summary>git in a read-write grant, and reading a repository handed in read-only that belongs to another user.</summary>
public class GitTests : WorkloadTest
{
    [Fact]
    public async Task Git_init_commit_and_log_work_in_a_read_write_directory()
    {
        string repo = WritableGrant.Prepare(HostDirectory());
        static string Script(string dir) => $"""
            cd {dir} && git init -q --shared=group . && git config user.email judge@example.org && git config user.name judge &&
            echo hello > greeting.txt && git add greeting.txt && git commit -q -m first &&
            echo again >> greeting.txt && git commit -q -am second && git log --format=%s
            """;

        SandboxResult r = await ShAsync(Policy(null, b => b.MountReadWrite(repo, "/repo")), Script("/repo"));

        AssertExited(r);
        Assert.Equal("second\nfirst\n", Stdout(r));
        Assert.Empty(r.Violations);
        WritableGrant.AssertOwnedLikeDirectory(repo, Path.Combine(repo, ".git", "HEAD"));
        string bareRepo = HostDirectory();
        bool bareOk = HostRun.Sh(bareRepo, Script(bareRepo)).Stdout == "second\nfirst\n";
        CorpusTable.Record("`git init --shared=group`, commit, log", "--rw repo:/repo", bareOk ? (1, 0) : (0, 1), (1, 0));
    }

    [Fact]
    public async Task Git_reads_a_root_owned_repository_handed_in_read_only()
    {
        // Owned by the test's user (root in CI), not by the guest's uid: git's "dubious ownership" check would refuse it.
        string repo = HostDirectory();
        HostRun.Result init = HostRun.Sh(repo, "git init -q . && git -c user.email=a@example.org -c user.name=a commit -q --allow-empty -m only && chmod -R a+rX .");
        Assert.True(init.ExitCode == 0, init.Stderr);

        SandboxResult r = await RunAsync(Policy(null, b => b.MountReadOnly(repo, "/repo")), "git", ["-C", "/repo", "log", "--format=%s"]);

        AssertExited(r);
        Assert.Equal("only\n", Stdout(r));
        Assert.DoesNotContain("dubious ownership", Stderr(r), StringComparison.Ordinal);
        bool bareOk = HostRun.Run(repo, "git", "-C", repo, "log", "--format=%s").Stdout == "only\n"; // bare, the owner reads it
        CorpusTable.Record("`git log` of a root-owned repository", "--ro repo:/repo", bareOk ? (1, 0) : (0, 1), (1, 0),
            "the generated /etc/gitconfig trusts every directory: what git's ownership check guards against runs confined anyway");
    }
}
