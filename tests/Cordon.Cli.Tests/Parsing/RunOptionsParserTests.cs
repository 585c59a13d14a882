using Cordon.Cli.Commands;
using Cordon.Cli.Tests.Support;
using Cordon.Policy;

namespace Cordon.Cli.Tests.Parsing;

/// <summary>How <c>cordon run</c> reads its options: short flags, conflicts, variables, paths.</summary>
public class RunOptionsParserTests
{
    private static RunOptions Parse(params string[] args) => Parse(new FakeHost(), args);

    private static RunOptions Parse(FakeHost host, params string[] args)
    {
        var (options, errors) = RunOptionsParser.Parse(args, host);
        Assert.True(options is not null, string.Join("\n", errors));
        return options;
    }

    private static string Errors(params string[] args)
    {
        var (options, errors) = RunOptionsParser.Parse(args, new FakeHost());
        Assert.Null(options);
        return string.Join("\n", errors);
    }

    [Fact]
    public void Short_flags_work_bundled_and_with_attached_values()
    {
        RunOptions o = Parse("-it", "-eA=1", "-e", "B=2", "-q", "--", "sh");
        Assert.True(o.Tty);
        Assert.Equal("-", o.StandardInputPath);
        Assert.True(o.Quiet);
        Assert.Equal("1", o.Policy.Environment["A"]);
        Assert.Equal("2", o.Policy.Environment["B"]);
        Assert.Equal("sh", o.Program);
    }

    [Fact]
    public void The_program_may_follow_the_options_without_a_double_dash()
    {
        RunOptions o = Parse("-e", "A=1", "true", "-x");
        Assert.Equal("true", o.Program);
        Assert.Equal(["-x"], o.Arguments.ToArray());
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("-iz")]
    [InlineData("--bogus")]
    public void Unknown_options_are_errors_that_name_them(string option)
    {
        string errors = Errors(option, "--", "true");
        Assert.Contains("unknown option", errors);
        Assert.Contains(option.StartsWith("--", StringComparison.Ordinal) ? option : "-" + option[^1], errors);
    }

    [Theory]
    [InlineData("--time", "5s", "--time", "6s")]
    [InlineData("--memory", "1G", "--memory", "2G")]
    [InlineData("-w", "/a", "--workdir", "/b")]
    public void An_option_given_twice_is_one_clear_error(string a, string av, string b, string bv)
    {
        string errors = Errors(a, av, b, bv, "--", "true");
        Assert.Contains("given more than once", errors);
        Assert.Contains(av, errors);
        Assert.Contains(bv, errors);
    }

    [Theory]
    [InlineData("--syscalls", "strict", "--allow-syscalls", "read")]
    [InlineData("-i", null, "--stdin", "in.txt")]
    [InlineData("-t", null, "--json", null)]
    public void Conflicting_options_are_one_clear_error(string a, string? av, string b, string? bv)
    {
        List<string> args = [a];
        if (av is not null) args.Add(av);
        args.Add(b);
        if (bv is not null) args.Add(bv);
        args.AddRange(["--", "true"]);
        string errors = Errors([.. args]);
        Assert.Contains("cannot be combined", errors);
    }

    [Fact]
    public void Repeatable_options_add_up()
    {
        RunOptions o = Parse("--ro", "/tmp:/data", "--ro", "/var:/more", "-e", "A=1", "-e", "B=2", "--", "true");
        Assert.Equal(2, o.Policy.Mounts.Count(m => m.Kind == MountKind.ReadOnlyBind));
        Assert.Equal(2, o.Policy.Environment.Count);
    }

    [Fact]
    public void Env_name_alone_passes_the_callers_value_and_says_when_there_is_none()
    {
        var host = new FakeHost();
        host.Variables["TOKEN"] = "s3cret";
        Assert.Equal("s3cret", Parse(host, "--env", "TOKEN", "--", "true").Policy.Environment["TOKEN"]);
        var (_, errors) = RunOptionsParser.Parse(["--env", "MISSING", "--", "true"], host);
        Assert.Contains(errors, e => e.Message.Contains("MISSING is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Env_files_set_variables_skip_comments_and_name_the_bad_line()
    {
        var host = new FakeHost();
        host.EnvFiles["vars"] = "# comment\n\nA=1\r\nB=two words\nPASSED\n";
        host.Variables["PASSED"] = "yes";
        RunOptions o = Parse(host, "--env-file", "vars", "--", "true");
        Assert.Equal("1", o.Policy.Environment["A"]);
        Assert.Equal("two words", o.Policy.Environment["B"]);
        Assert.Equal("yes", o.Policy.Environment["PASSED"]);

        host.EnvFiles["bad"] = "A=1\n=oops\n";
        var (_, errors) = RunOptionsParser.Parse(["--env-file", "bad", "--", "true"], host);
        Assert.Contains(errors, e => e.Key == "--env-file bad:2");
        var (_, missing) = RunOptionsParser.Parse(["--env-file", "nope", "--", "true"], host);
        Assert.Contains(missing, e => e.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void A_backslash_writes_a_colon_in_a_host_path()
    {
        Assert.Equal(["/data/a:b", "/in"], RunOptionsParser.SplitPath(@"/data/a\:b:/in"));
        Assert.Equal([@"/odd\name"], RunOptionsParser.SplitPath(@"/odd\\name"));
        Assert.Equal(["/plain"], RunOptionsParser.SplitPath("/plain"));
        Assert.Contains("more than one ':'", Errors("--ro", "/a:b:c", "--", "true"));
    }

    [Fact]
    public void Volume_binds_read_only_unless_rw_is_added()
    {
        RunOptions ro = Parse("-v", "/tmp:/in", "--", "true");
        Assert.Equal(MountKind.ReadOnlyBind, Assert.Single(ro.Policy.Mounts).Kind);
        RunOptions rw = Parse("-v", "/tmp:/out:rw", "--", "true");
        MountSpec mount = Assert.Single(rw.Policy.Mounts);
        Assert.Equal(MountKind.ReadWriteBind, mount.Kind);
        Assert.Equal("/out", mount.GuestPath);
    }

    [Theory]
    [InlineData("--ro", "/tmp:/usr")]
    [InlineData("--ro", "/tmp:/bin")]
    [InlineData("--rw", "/tmp:/etc")]
    [InlineData("--tmpfs", "/usr/lib")]
    [InlineData("--file", "/etc/passwd=/etc/hostname")]
    [InlineData("-v", "/tmp:/lib64/x")]
    public void Mounting_over_a_system_directory_is_refused_with_the_way_out(string option, string value)
    {
        string errors = Errors(option, value, "--", "true");
        Assert.Contains("system directory", errors);
        Assert.Contains("--no-system-dirs", errors);
        Assert.Contains("--over-system-dirs", errors);
    }

    [Fact]
    public void System_directories_may_be_replaced_when_asked_explicitly()
    {
        Parse("--no-system-dirs", "--ro", "/usr:/usr", "--", "/usr/bin/true");
        Parse("--over-system-dirs", "--ro", "/tmp:/usr/share/data", "--", "true");
        // The host's own directory at its own path hides nothing.
        Parse("--ro", "/usr/share/doc", "--", "true");
    }

    [Fact]
    public void Chdir_and_kill_after_are_parsed()
    {
        RunOptions o = Parse("--chdir", "/work/src", "--kill-after", "500ms", "--", "true");
        Assert.Equal("/work/src", o.WorkingDirectory);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.KillAfter);
        Assert.Contains("absolute path", Errors("--chdir", "src", "--", "true"));
        Assert.Equal(TimeSpan.FromSeconds(2), Parse("--", "true").KillAfter);
    }

    [Fact]
    public void Values_are_checked_and_a_missing_value_is_named()
    {
        Assert.Contains("needs a value", Errors("--time"));
        Assert.Contains("'fast' is not a tier", Errors("--tier", "fast", "--", "true"));
        Assert.Contains("takes no value", Errors("--json=yes", "--", "true"));
        Assert.Contains("no program given", Errors("--json"));
    }

    [Fact]
    public void Every_option_in_the_table_is_handled_by_the_parser()
    {
        foreach (RunOption option in RunOptionTable.Default.All)
        {
            string? value = option.Value is null ? null : SampleValue(option);
            string[] args = value is null ? [option.Long, "--", "true"] : [option.Long, value, "--", "true"];
            var (_, errors) = RunOptionsParser.Parse(args, new FakeHost());
            Assert.DoesNotContain(errors, e => e.Message.StartsWith("internal", StringComparison.Ordinal) || e.Message.Contains("unknown option", StringComparison.Ordinal));
        }
    }

    private static string SampleValue(RunOption option) => option.Long switch
    {
        "--time" or "--cpu" or "--kill-after" => "1s",
        "--memory" or "--output" or "--fsize" or "--tmp-size" or "--stack" => "1M",
        "--pids" or "--nofile" or "--fuel" => "8",
        "--fd" => "3",
        "--env" => "A=1",
        "--file" => "/in=/etc/hostname",
        "--chdir" or "--tmpfs" => "/scratch",
        _ when !option.Choices.IsDefaultOrEmpty => option.Choices[0],
        _ => "/tmp",
    };

    [Fact]
    public void Allow_net_and_allow_host_add_destinations_with_every_port_when_none_is_given()
    {
        RunOptions o = Parse("--allow-net", "10.1.0.0/16:5432", "--allow-net", "127.0.0.5", "--allow-net", "[::1]:80-90",
            "--allow-net", "127.0.0.53:53/udp", "--allow-host", "pypi.org:443", "--", "sh");
        Assert.Equal(["10.1.0.0/16:5432", "127.0.0.5:1-65535", "[::1]:80-90", "127.0.0.53:53/udp", "pypi.org:443"],
            o.Policy.Network.Allowed.Select(d => d.ToString()));
        Assert.Equal(NetworkMode.None, o.Policy.Network.Mode);
    }

    [Theory]
    [InlineData("--allow-net", "10.0.0.0/33:80", "--allow-net: '10.0.0.0/33:80': '10.0.0.0/33' is not a CIDR range")]
    [InlineData("--allow-net", "10.0.0.1:90-80", "'90-80' is upside down")]
    [InlineData("--allow-net", "::1:80", "put an IPv6 address in brackets")]
    [InlineData("--allow-net", "pypi.org:443", "is a host name, not an address or CIDR range; use --allow-host pypi.org:443")]
    [InlineData("--allow-host", "10.0.0.1:443", "is an address, not a host name; use --allow-net 10.0.0.1:443")]
    [InlineData("--allow-host", "bad_name!:443", "is neither an IP address, a CIDR range nor a DNS name")]
    public void A_bad_allowlist_rule_is_one_precise_error(string option, string value, string expected)
        => Assert.Contains(expected, Errors(option, value, "--", "sh"));

    [Fact]
    public void An_allowlist_with_the_host_network_is_an_error()
        => Assert.Contains("host cannot be combined with --allow-net or --allow-host", Errors("--net", "host", "--allow-net", "10.0.0.1:443", "--", "sh"));
}
