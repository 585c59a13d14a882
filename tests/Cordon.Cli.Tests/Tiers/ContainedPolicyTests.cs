using Cordon.Policy;
using Cordon.PolicyFiles;

namespace Cordon.Cli.Tests.Tiers;

/// <summary>The policy file a contained runner gets: every limit as the caller gave it, every grant at its guest path.</summary>
public class ContainedPolicyTests
{
    [Fact]
    public void Every_limit_outside_is_in_force_inside_and_grants_are_named_by_their_guest_paths()
    {
        string data = Directory.CreateTempSubdirectory("cordon-contain-").FullName;
        string file = Path.Combine(data, "input.txt");
        File.WriteAllText(file, "x");
        SandboxPolicy user = new SandboxPolicyBuilder()
            .WithWallTime(TimeSpan.FromSeconds(3)).WithCpuTime(TimeSpan.FromSeconds(2)).WithMemory(64L << 20)
            .WithMaxProcesses(7).WithFileSize(4096).WithOpenFiles(33).WithStack(1L << 20).WithMaxOutput(1000)
            .MountReadOnly(data, "/data").MountReadWrite(data, "/out").MountTmpfs("/scratch", 1L << 20).CopyFile("/in.txt", file)
            .WithWorkDirectory(data).SetEnvironment("A", "1").Build();

        string inside = PolicyFile.FormatAsSeenInside(user);
        Assert.DoesNotContain(data, inside, StringComparison.Ordinal);
        Assert.Contains("workdir = \"/work\"", inside, StringComparison.Ordinal);

        // Read back where the guest paths exist (here: the same names under a scratch root), it is the caller's policy.
        string root = Directory.CreateTempSubdirectory("cordon-inside-").FullName;
        foreach (string dir in new[] { "data", "out", "work" }) Directory.CreateDirectory(Path.Combine(root, dir));
        File.WriteAllText(Path.Combine(root, "in.txt"), "x");
        SandboxPolicy inner = PolicyFile.Parse(inside.Replace("host = \"/data\"", $"host = \"{root}/data\"", StringComparison.Ordinal)
            .Replace("host = \"/out\"", $"host = \"{root}/out\"", StringComparison.Ordinal)
            .Replace("host = \"/in.txt\"", $"host = \"{root}/in.txt\"", StringComparison.Ordinal)
            .Replace("workdir = \"/work\"", $"workdir = \"{root}/work\"", StringComparison.Ordinal));
        Assert.Equal(user.Limits, inner.Limits);
        Assert.Equal(user.Environment, inner.Environment);
        Assert.Equal(user.Network, inner.Network);
        Assert.Equal(user.Syscalls, inner.Syscalls);
        Assert.Equal(["/data:ReadOnlyBind", "/out:ReadWriteBind", "/scratch:Tmpfs", "/in.txt:ReadOnlyBind"], inner.Mounts.Select(m => $"{m.GuestPath}:{m.Kind}"));
    }
}
