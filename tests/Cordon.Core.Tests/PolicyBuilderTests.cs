using Cordon.Errors;
using Cordon.Output;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.Core.Tests;

public class PolicyBuilderTests
{
    [Fact]
    public void The_default_policy_is_fully_closed_and_bounded()
    {
        SandboxPolicy p = SandboxPolicy.Default;
        Assert.Equal(NetworkMode.None, p.Network.Mode);
        Assert.Empty(p.Mounts);
        Assert.Empty(p.Environment);
        Assert.Null(p.WorkDirectoryHostPath);
        Assert.Equal(SyscallProfile.Default, p.Syscalls.Profile);
        Assert.Equal(TimeSpan.FromSeconds(10), p.Limits.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(5), p.Limits.CpuTime);
        Assert.Equal(256 * ByteSize.MiB, p.Limits.MemoryBytes);
        Assert.Equal(64, p.Limits.MaxProcesses);
        Assert.Equal(ByteSize.MiB, p.Limits.MaxOutputBytes);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var builder = new SandboxPolicyBuilder()
            .MountReadOnly("/no/such/host/path", "/data")
            .MountReadOnly("/usr", "relative")
            .MountTmpfs("/proc/x")
            .MountReadOnly("/usr", "/a").MountReadOnly("/usr", "/a")
            .WithMemory(10)
            .WithMaxProcesses(0)
            .WithNetwork(NetworkMode.Host)
            .WithCustomSyscalls([])
            .SetEnvironment("BAD=NAME", "x");
        var error = Assert.Throws<PolicyValidationException>(() => builder.Build());
        string[] keys = [.. error.Errors.Select(e => e.Key)];
        Assert.Contains("mounts[0].host", keys);
        Assert.Contains("mounts[1].guest", keys);
        Assert.Contains("mounts[2].guest", keys);
        Assert.Contains("mounts[4].guest", keys);
        Assert.Contains("limits.memory", keys);
        Assert.Contains("limits.pids", keys);
        Assert.Contains("network", keys);
        Assert.Contains("syscalls.allow", keys);
        Assert.Contains("env.BAD=NAME", keys);
    }

    [Fact]
    public void Syscall_names_are_data_that_the_enforcing_tier_checks()
    {
        // Core has no syscall table: the process tier refuses unknown names (its SyscallNameCheck), the builder keeps them.
        SandboxPolicy policy = new SandboxPolicyBuilder().WithCustomSyscalls(["write", "read", "not_a_syscall", "read"]).Build();
        Assert.Equal(["not_a_syscall", "read", "write"], policy.Syscalls.AllowedSyscalls.ToArray());
    }

    [Theory]
    [InlineData("/a/../b")]
    [InlineData("/a//b")]
    [InlineData("/a/")]
    [InlineData("a")]
    [InlineData("/./a")]
    public void Guest_paths_must_be_clean_and_absolute(string path)
        => Assert.False(SandboxPolicyBuilder.IsCleanAbsolute(path));

    [Fact]
    public void Policies_are_values_and_a_builder_from_a_policy_reproduces_it()
    {
        SandboxPolicy a = new SandboxPolicyBuilder().MountReadOnly("/usr", "/u").SetEnvironment("K", "V").WithWallTime(TimeSpan.FromSeconds(3)).Build();
        SandboxPolicy b = new SandboxPolicyBuilder(a).Build();
        Assert.Equal(a, b);
        Assert.NotEqual(a, new SandboxPolicyBuilder(a).WithWallTime(null).Build());
    }

    [Fact]
    public void None_means_unlimited_only_when_asked()
    {
        SandboxPolicy p = new SandboxPolicyBuilder().WithMemory(null).WithWallTime(null).Build();
        Assert.Null(p.Limits.MemoryBytes);
        Assert.Null(p.Limits.WallTime);
        Assert.NotNull(p.Limits.CpuTime);
    }

    [Fact]
    public void Terminal_text_neutralises_escapes_controls_c1_and_invalid_utf8()
    {
        byte[] hostile = [0x1b, (byte)']', (byte)'5', (byte)'2', 0x07, (byte)'\r', 0xc2, 0x9b, 0xff, (byte)'o', (byte)'k', (byte)'\n', 0x7f];
        string shown = UntrustedText.ForTerminal(hostile);
        Assert.Equal("\\x1b]52\\x07\r\\u009b\\xffok\n\\x7f", shown);
        Assert.DoesNotContain('\u001b', shown);
    }

    [Theory]
    [InlineData("a\u202eb", "a\\u202eb")]
    [InlineData("\u200e\u200f\u2066\u2069\u061c", "\\u200e\\u200f\\u2066\\u2069\\u061c")]
    [InlineData("line\u2028sep\u2029", "line\\u2028sep\\u2029")]
    [InlineData("tab\tcr\rnl\n", "tab\tcr\rnl\n")]
    [InlineData("héllo wörld ✓ 日本", "héllo wörld ✓ 日本")]
    [InlineData("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff")]
    public void Terminal_text_keeps_printable_unicode_and_escapes_bidi_and_format_controls(string input, string expected)
        => Assert.Equal(expected, UntrustedText.ForTerminal(input));

    [Fact]
    public void Single_line_text_escapes_newline_tab_and_carriage_return_and_fragments_are_capped()
    {
        Assert.Equal("a\\nb\\tc\\rd", UntrustedText.ForSingleLine("a\nb\tc\rd"));
        string fragment = UntrustedText.Fragment(new string('x', 1000));
        Assert.Equal(UntrustedText.MaxFragmentLength + 1, fragment.Length);
        Assert.EndsWith("…", fragment);
    }

    [Fact]
    public void A_character_split_between_chunks_is_shown_whole()
    {
        var neutraliser = new TerminalNeutraliser();
        byte[] check = "✓"u8.ToArray();
        byte[] first = neutraliser.Neutralise([(byte)'a', check[0]]);
        byte[] second = neutraliser.Neutralise([check[1], check[2], 0x1b]);
        Assert.Equal("a", System.Text.Encoding.UTF8.GetString(first));
        Assert.Equal("✓\\x1b", System.Text.Encoding.UTF8.GetString(second));
        Assert.Empty(neutraliser.Flush());
        neutraliser.Neutralise([0xe2]);
        Assert.Equal("\\xe2", System.Text.Encoding.UTF8.GetString(neutraliser.Flush()));
    }
}
