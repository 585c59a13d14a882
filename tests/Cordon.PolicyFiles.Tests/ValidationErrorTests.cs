using System.Collections.Immutable;
using Cordon.Errors;
using Cordon.Policy;

namespace Cordon.PolicyFiles.Tests;

/// <summary>Every class of mistake, with the exact location and the message that says what is allowed.</summary>
public sealed class ValidationErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cordon-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PolicyError Single(string toml)
    {
        Assert.False(PolicyFile.TryParse(toml, "p.toml", out _, out ImmutableArray<PolicyError> errors));
        return Assert.Single(errors);
    }

    [Fact]
    public void Unknown_key_is_reported_with_its_line_and_a_suggestion()
    {
        PolicyError e = Single("network = \"none\"\n\n[limits]\ntime = \"5s\"\nmemroy = \"1G\"\n");
        Assert.Equal("p.toml:5:1", e.Source);
        Assert.Equal("limits.memroy", e.Key);
        Assert.Contains("unknown key 'memroy' in [limits] (did you mean 'memory'?)", e.Message);
        Assert.Contains("allowed: time, cpu, memory", e.Message);
    }

    [Theory]
    [InlineData("netwrk = \"none\"", "netwrk", "did you mean 'network'?")]
    [InlineData("[syscalls]\non_violaton = \"kill\"", "syscalls.on_violaton", "did you mean 'on_violation'?")]
    [InlineData("[require]\ncgroup = true", "require.cgroup", "did you mean 'cgroups'?")]
    [InlineData("[[mounts]]\ntype = \"ro\"\nhots = \"/usr\"", "mounts[0].hots", "did you mean 'host'?")]
    [InlineData("[dangerous]\nhost_networking = true", "dangerous.host_networking", "did you mean 'host_network'?")]
    public void Unknown_keys_are_errors_in_every_table(string toml, string key, string hint)
    {
        PolicyError e = Single(toml);
        Assert.Equal(key, e.Key);
        Assert.Contains(hint, e.Message);
    }

    [Theory]
    [InlineData("system_dirs = \"yes\"", "system_dirs", "expected true or false; got the string \"yes\"")]
    [InlineData("[limits]\npids = \"64\"", "limits.pids", "expected a positive whole number (no quotes)")]
    [InlineData("[limits]\ntime = true", "limits.time", "expected a duration such as \"500ms\"")]
    [InlineData("[env]\nDEBUG = 1", "env.DEBUG", "expected a string (in quotes); got the integer 1")]
    [InlineData("limits = 5", "limits", "expected a table ([limits] or limits = { ... }); got the integer 5")]
    [InlineData("mounts = \"/usr\"", "mounts", "expected an array of tables ([[mounts]] sections)")]
    [InlineData("[syscalls]\nallow = \"read\"", "syscalls.allow", "expected an array of syscall names")]
    [InlineData("extends = 3", "extends", "expected a profile name (minimal, shell, python, node, gcc) or a policy file path in quotes")]
    [InlineData("network_allow = [\"127.0.0.53:53/sctp\"]", "network_allow[0]", "'sctp' is not a protocol; write /tcp (the default) or /udp")]
    [InlineData("network_allow = [\"127.0.0.53:99-53/udp\"]", "network_allow[0]", "upside down")]
    public void Wrong_types_say_what_was_expected_and_what_was_found(string toml, string key, string message)
    {
        PolicyError e = Single(toml);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("memory = \"64X\"", "limits.memory", "'64X' has an unknown unit 'X'")]
    [InlineData("memory = \"512\"", "limits.memory", "512 bytes is out of range; allowed 1M to 16T")]
    [InlineData("output = 0", "limits.output", "0 bytes must be greater than zero")]
    [InlineData("time = \"3 fortnights\"", "limits.time", "has an unknown unit")]
    [InlineData("cpu = 999999999", "limits.cpu", "out of range; allowed 1 to 604800")]
    [InlineData("tmp_size = \"1K\"", "limits.tmp_size", "allowed 4K to 16T")]
    public void Bad_sizes_and_durations_name_the_unit_rules(string line, string key, string message)
    {
        PolicyError e = Single("[limits]\n" + line);
        Assert.Equal("p.toml:2:" + (line.IndexOf('=', StringComparison.Ordinal) + 3), e.Source);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_relative_guest_path_is_refused_at_its_value()
    {
        PolicyError e = Single("[[mounts]]\ntype = \"ro\"\nhost = \"/usr\"\nguest = \"usr/share\"\n");
        Assert.Equal("mounts[0].guest", e.Key);
        Assert.Equal("p.toml:4:9", e.Source);
        Assert.Contains("must be absolute and normalised", e.Message);
    }

    [Fact]
    public void Conflicting_mounts_are_refused_at_the_second_one()
    {
        PolicyError e = Single("""
            [[mounts]]
            type = "ro"
            host = "/usr"
            guest = "/opt/tools"

            [[mounts]]
            type = "tmpfs"
            guest = "/opt/tools"
            """);
        Assert.Equal("mounts[1].guest", e.Key);
        Assert.Equal("p.toml:8:9", e.Source);
        Assert.Contains("'/opt/tools' is mounted twice", e.Message);
    }

    [Fact]
    public void A_mount_conflicting_with_one_inherited_from_the_extended_file_is_refused_in_the_child()
    {
        File.WriteAllText(Path.Combine(_dir, "base.toml"), "[[mounts]]\ntype = \"ro\"\nhost = \"/usr\"\nguest = \"/tools\"\n");
        File.WriteAllText(Path.Combine(_dir, "child.toml"), "extends = \"base.toml\"\n\n[[mounts]]\ntype = \"tmpfs\"\nguest = \"/tools\"\n");
        Assert.False(PolicyFile.TryLoad(Path.Combine(_dir, "child.toml"), out _, out ImmutableArray<PolicyError> errors, new PolicyFileOptions { BaseDirectory = _dir }));
        PolicyError e = Assert.Single(errors);
        Assert.Equal("mounts[0].guest", e.Key);
        Assert.Equal("child.toml:5:9", e.Source);
    }

    [Fact]
    public void A_mount_over_cordons_own_paths_is_refused()
        => Assert.Contains("reserved by Cordon", Single("[[mounts]]\ntype = \"tmpfs\"\nguest = \"/proc\"").Message);

    [Fact]
    public void An_unknown_profile_lists_the_built_in_ones()
    {
        PolicyError e = Single("extends = \"pyhton\"");
        Assert.Equal("extends", e.Key);
        Assert.Equal("p.toml:1:11", e.Source);
        Assert.Equal("unknown profile 'pyhton'; built-in profiles: minimal, shell, python, node, gcc (a file path needs a '/' or a .toml suffix)", e.Message);
    }

    [Fact]
    public void A_cycle_in_extends_is_reported_with_the_whole_chain()
    {
        File.WriteAllText(Path.Combine(_dir, "a.toml"), "extends = \"b.toml\"\n");
        File.WriteAllText(Path.Combine(_dir, "b.toml"), "network = \"none\"\nextends = \"./a.toml\"\n");
        Assert.False(PolicyFile.TryLoad(Path.Combine(_dir, "a.toml"), out _, out ImmutableArray<PolicyError> errors, new PolicyFileOptions { BaseDirectory = _dir }));
        PolicyError e = Assert.Single(errors);
        Assert.Equal("extends", e.Key);
        Assert.Equal("b.toml:2:11", e.Source);
        Assert.Equal("extends cycle: a.toml -> b.toml -> a.toml; a policy cannot extend itself", e.Message);
    }

    [Fact]
    public void A_file_that_extends_itself_is_a_cycle()
    {
        File.WriteAllText(Path.Combine(_dir, "self.toml"), "extends = \"self.toml\"\n");
        Assert.False(PolicyFile.TryLoad(Path.Combine(_dir, "self.toml"), out _, out ImmutableArray<PolicyError> errors, new PolicyFileOptions { BaseDirectory = _dir }));
        Assert.Contains("extends cycle: self.toml -> self.toml", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_missing_extended_file_is_reported_where_it_is_named()
    {
        PolicyError e = Single("\nextends = \"./nowhere.toml\"");
        Assert.Equal("p.toml:2:11", e.Source);
        Assert.StartsWith("policy file: '", e.Message);
        Assert.Contains("nowhere.toml' does not exist", e.Message);
    }

    [Fact]
    public void Errors_in_an_extended_file_carry_that_files_location_and_the_child_is_still_checked()
    {
        File.WriteAllText(Path.Combine(_dir, "base.toml"), "[limits]\nmemory = \"lots\"\n");
        File.WriteAllText(Path.Combine(_dir, "child.toml"), "extends = \"base.toml\"\nnetwrok = \"none\"\n");
        Assert.False(PolicyFile.TryLoad(Path.Combine(_dir, "child.toml"), out _, out ImmutableArray<PolicyError> errors, new PolicyFileOptions { BaseDirectory = _dir }));
        Assert.Equal(["base.toml:2:10", "child.toml:2:1"], errors.Select(e => e.Source));
    }

    [Fact]
    public void Invalid_toml_is_reported_with_the_parsers_position()
    {
        Assert.False(PolicyFile.TryParse("network = \"none\"\n[limits\ntime = \"5s\"\n", "p.toml", out _, out ImmutableArray<PolicyError> errors));
        Assert.All(errors, e => Assert.Equal("toml", e.Key));
        PolicyError e = errors[0];
        Assert.StartsWith("p.toml:2:", e.Source);
        Assert.StartsWith("not valid TOML:", e.Message);
    }

    [Fact]
    public void A_key_given_twice_is_a_toml_error()
        => Assert.Contains("already defined", Single("[limits]\ntime = \"5s\"\ntime = \"6s\"\n").Message);

    [Fact]
    public void Host_network_needs_the_dangerous_acknowledgement()
    {
        PolicyError e = Single("network = \"host\"");
        Assert.Equal("network", e.Key);
        Assert.Contains("host_network = true in a [dangerous] table", e.Message);
        Assert.Equal(NetworkMode.Host, PolicyFile.Parse("network = \"host\"\n[dangerous]\nhost_network = true").Network.Mode);
    }

    [Theory]
    [InlineData("[syscalls]\nallow = [\"read\", \"wrtie\"]", "syscalls.allow[1]", "unknown syscall name 'wrtie'")]
    [InlineData("[syscalls]\nprofile = \"strict\"\nallow = [\"read\"]", "syscalls.allow", "a syscall list needs profile = \"custom\"")]
    [InlineData("[syscalls]\nallow = [\"read\"]\ndeny = [\"ptrace\"]", "syscalls.deny", "use either allow")]
    [InlineData("[syscalls]\nallow = []", "syscalls.allow", "at least one syscall name")]
    [InlineData("[syscalls]\nprofile = \"custom\"", "syscalls.allow", "a custom profile needs at least one syscall name")]
    [InlineData("[syscalls]\nprofile = \"paranoid\"", "syscalls.profile", "'paranoid' is not allowed; use one of \"default\", \"strict\", \"custom\"")]
    public void Syscall_mistakes_are_precise(string toml, string key, string message)
    {
        PolicyError e = Single(toml);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("[[mounts]]\ntype = \"tmpfs\"\nguest = \"/c\"\nhost = \"/tmp\"", "mounts[0].host", "a tmpfs mount has no host path")]
    [InlineData("[[mounts]]\ntype = \"ro\"\nhost = \"/usr\"\nsize = \"1M\"", "mounts[0].size", "size applies only to type = \"tmpfs\"")]
    [InlineData("[[mounts]]\ntype = \"file\"\nguest = \"/in\"", "mounts[0].host", "a file mount needs host")]
    [InlineData("[[mounts]]\ntype = \"rw\"", "mounts[0].host", "a rw mount needs host")]
    [InlineData("[[mounts]]\nhost = \"/usr\"", "mounts[0].type", "a mount needs type")]
    [InlineData("mounts = [\"/usr\"]", "mounts[0]", "expected a table with type, host and guest")]
    [InlineData("[[mounts]]\ntype = \"ro\"\nhost = \"/no/such/place\"", "mounts[0].host", "does not exist")]
    public void Mount_mistakes_are_precise(string toml, string key, string message)
    {
        PolicyError e = Single(toml);
        Assert.Equal(key, e.Key);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_in_file_order()
    {
        Assert.False(PolicyFile.TryParse("netwrk = 1\n[limits]\nmemory = \"x\"\npids = 0\n[env]\nA = 1\n", "p.toml", out _, out ImmutableArray<PolicyError> errors));
        Assert.Equal(["p.toml:1:1", "p.toml:3:10", "p.toml:4:8", "p.toml:6:5"], errors.Select(e => e.Source));
    }

    [Fact]
    public void The_library_throws_a_PolicyValidationException_listing_every_error()
    {
        string path = Path.Combine(_dir, "bad.toml");
        File.WriteAllText(path, "netwrk = \"none\"\n[limits]\nmemroy = \"1G\"\n");
        var e = Assert.Throws<PolicyValidationException>(() => PolicyFile.Load(path));
        Assert.Equal(2, e.Errors.Length);
        Assert.Contains("bad.toml:3:1: limits.memroy: unknown key", e.Message);
    }

    [Fact]
    public void The_profile_versus_file_rule_is_documented_behaviour()
    {
        Assert.True(PolicyFile.IsProfileReference("python"));
        Assert.False(PolicyFile.IsProfileReference("python.toml"));
        Assert.False(PolicyFile.IsProfileReference("./python"));
    }
}
