using Cordon.Policy;
using Cordon.Units;

namespace Cordon.PolicyFiles.Tests;

public sealed class ExtendsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cordon-extends-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_child_overrides_values_merges_env_and_appends_mounts()
    {
        Write("base/base.toml", """
            network = "loopback"
            [env]
            A = "1"
            B = "base"
            [limits]
            memory = "128M"
            pids = 8
            [[mounts]]
            type = "ro"
            host = "/usr/share"
            guest = "/share"
            """);
        string child = Write("child.toml", """
            extends = "base/base.toml"
            [env]
            B = "child"
            C = "3"
            [limits]
            memory = "64M"
            [[mounts]]
            type = "tmpfs"
            guest = "/cache"
            """);
        SandboxPolicy policy = PolicyFile.Load(child);
        Assert.Equal(NetworkMode.Loopback, policy.Network.Mode);
        Assert.Equal(64 * ByteSize.MiB, policy.Limits.MemoryBytes);
        Assert.Equal(8, policy.Limits.MaxProcesses);
        Assert.Equal(["A=1", "B=child", "C=3"], policy.Environment.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal(["/share", "/cache"], policy.Mounts.Select(m => m.GuestPath));
    }

    [Fact]
    public void Extends_paths_are_relative_to_the_file_that_names_them()
    {
        Write("policies/common/base.toml", "[limits]\npids = 3\n");
        Write("policies/app/app.toml", "extends = \"../common/base.toml\"\n");
        string top = Write("top.toml", "extends = \"policies/app/app.toml\"\n");
        Assert.Equal(3, PolicyFile.Load(top, new PolicyFileOptions { BaseDirectory = "/", AllowExtendsOutsideDirectory = true }).Limits.MaxProcesses);
    }

    [Fact]
    public void Without_the_explicit_option_extends_stays_beneath_the_directory_of_the_file_that_names_it()
    {
        Write("policies/common/base.toml", "[limits]\npids = 3\n");
        string app = Write("policies/app/app.toml", "extends = \"../common/base.toml\"\n");
        string absolute = Write("policies/app/abs.toml", "extends = \"/etc/shadow\"\n");
        Assert.False(PolicyFile.TryLoad(app, out _, out var errors));
        Assert.Contains("is outside the directory of the file that extends it", Assert.Single(errors).Message);
        Assert.False(PolicyFile.TryLoad(absolute, out _, out errors));
        Cordon.Errors.PolicyError error = Assert.Single(errors);
        Assert.Contains("'/etc/shadow' is outside the directory", error.Message);
        Assert.DoesNotContain("root:", error.Message);
    }

    [Fact]
    public void A_policy_file_reached_through_a_planted_link_is_refused()
    {
        string real = Write("real.toml", "[limits]\npids = 3\n");
        string link = Path.Combine(Path.GetDirectoryName(real)!, "link.toml");
        File.CreateSymbolicLink(link, "/etc/shadow");
        Assert.False(PolicyFile.TryLoad(link, out _, out var errors));
        Cordon.Errors.PolicyError error = Assert.Single(errors);
        Assert.Contains("is a symbolic link", error.Message);
        Assert.DoesNotContain("root:", error.Message);
        string child = Write("child.toml", "extends = \"link.toml\"\n");
        Assert.False(PolicyFile.TryLoad(child, out _, out errors));
        Assert.Contains("is a symbolic link", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_file_can_extend_a_built_in_profile_and_tighten_it()
    {
        SandboxPolicy python = PolicyFile.LoadReference("python");
        SandboxPolicy policy = PolicyFile.Parse("extends = \"python\"\n[limits]\nmemory = \"64M\"\n[syscalls]\non_violation = \"kill\"\n");
        Assert.Equal(python.Environment, policy.Environment);
        Assert.Equal(64 * ByteSize.MiB, policy.Limits.MemoryBytes);
        Assert.Equal(ViolationAction.Kill, policy.Syscalls.OnViolation);
        Assert.Equal(python.Limits.WallTime, policy.Limits.WallTime);
    }

    [Fact]
    public void Without_extends_a_file_starts_from_the_closed_default()
        => Assert.Equal(SandboxPolicy.Default, PolicyFile.Parse("# nothing\n"));

    [Fact]
    public void A_child_may_return_to_a_private_workdir_and_a_builtin_syscall_profile()
    {
        Write("base.toml", "workdir = \"/tmp\"\n[syscalls]\nallow = [\"read\", \"write\"]\n");
        SandboxPolicy policy = PolicyFile.Load(Write("child.toml", "extends = \"base.toml\"\nworkdir = false\n[syscalls]\nprofile = \"default\"\n"));
        Assert.Null(policy.WorkDirectoryHostPath);
        Assert.Equal(SyscallPolicy.Default, policy.Syscalls);
    }

    [Fact]
    public void Profile_custom_alone_keeps_an_inherited_list()
    {
        Write("base.toml", "[syscalls]\nallow = [\"read\", \"write\"]\n");
        SandboxPolicy policy = PolicyFile.Load(Write("child.toml", "extends = \"base.toml\"\n[syscalls]\nprofile = \"custom\"\non_violation = \"kill\"\n"));
        Assert.Equal(["read", "write"], policy.Syscalls.AllowedSyscalls.ToArray());
    }
}
