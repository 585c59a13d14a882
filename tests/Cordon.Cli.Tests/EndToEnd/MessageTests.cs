using System.Text.Json;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary>What the real CLI says and which code it exits with: each message contains what it promises.</summary>
public class MessageTests
{
    [Fact]
    public async Task A_program_that_exists_on_the_host_but_is_not_granted_is_named_with_the_option_that_grants_it()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-cli-test-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "job"));
            // World-readable: as root, the guest's host uid is not the owner's.
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            string prog = Path.Combine(dir, "job", "prog");
            File.WriteAllText(prog, "#!/bin/sh\necho ran\n");
            File.SetUnixFileMode(prog, (UnixFileMode)0b111_101_101);
            CordonCli.Outcome run = await CordonCli.BashAsync("$CORDON run -- ./job/prog", dir);
            Assert.Equal(127, run.Code);
            Assert.Contains("'./job/prog'", run.Stderr);
            Assert.Contains($"on the host it is {prog}", run.Stderr);
            Assert.Contains("-w ", run.Stderr);
            Assert.Contains("--ro ", run.Stderr);

            CordonCli.Outcome granted = await CordonCli.BashAsync("$CORDON run --quiet -w . -- ./job/prog", dir);
            Assert.Equal("ran\n", granted.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_limit_verdict_names_the_value_and_the_flag()
    {
        CordonCli.Outcome wall = await CordonCli.RunAsync("run", "--time", "700ms", "--", "sleep", "30");
        Assert.Equal(124, wall.Code);
        Assert.Contains("700ms", wall.Stderr);
        Assert.Contains("--time", wall.Stderr);

        CordonCli.Outcome memory = await CordonCli.RunAsync("run", "--memory", "48M", "--", "python3", "-c", "x = bytearray(400 << 20)");
        Assert.Equal(137, memory.Code);
        Assert.Contains("48M", memory.Stderr);
        Assert.Contains("--memory", memory.Stderr);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("--time 5s --time 6s")]
    [InlineData("--syscalls strict --allow-syscalls read")]
    [InlineData("--ro /tmp:/usr")]
    public async Task Bad_options_are_one_error_and_exit_125(string options)
    {
        CordonCli.Outcome run = await CordonCli.RunAsync(["run", .. options.Split(' '), "--", "true"]);
        Assert.Equal(125, run.Code);
        Assert.Contains(options.Split(' ')[0], run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("policy")]
    [InlineData("policy", "frobnicate")]
    [InlineData("audit")]
    [InlineData("doctor", "--bogus")]
    [InlineData("profiles", "extra")]
    [InlineData("completions", "tcsh")]
    [InlineData("run", "--bogus", "--", "true")]
    [InlineData("selftest", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_125_in_every_command(params string[] args)
        => Assert.Equal(125, (await CordonCli.RunAsync(args)).Code);

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    [InlineData("version")]
    public async Task Version_is_printed_by_every_spelling(string spelling)
    {
        CordonCli.Outcome run = await CordonCli.RunAsync(spelling);
        Assert.Equal(0, run.Code);
        Assert.StartsWith("cordon ", run.Stdout);
    }

    [Fact]
    public async Task Dry_run_prints_the_policy_and_the_launch_and_starts_nothing()
    {
        string marker = CordonCli.Unique("6");
        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--dry-run", "--memory", "96M", "--", "sleep", marker);
        Assert.Equal(0, run.Code);
        foreach (string part in new[] { "resolved policy", "bwrap", "--unshare-pid", "init", marker, "Launcher steps", "Seccomp filter", "Cgroup limits", "96M" })
            Assert.Contains(part, run.Stdout);
        Assert.Empty(CordonCli.ProcessesWith(marker));
        Assert.Empty(CordonCli.CgroupsOf(run.Pid));
    }

    [Fact]
    public async Task Completions_are_valid_shell_and_the_man_page_renders()
    {
        CordonCli.Outcome bash = await CordonCli.RunAsync("completions", "bash");
        Assert.Equal(0, bash.Code);
        string file = Path.Combine(Path.GetTempPath(), $"cordon-completion-{Environment.ProcessId}.bash");
        await File.WriteAllTextAsync(file, bash.Stdout);
        try
        {
            Assert.Equal(0, (await CordonCli.RunProgramAsync("bash", ["-n", file])).Code);
        }
        finally
        {
            File.Delete(file);
        }

        CordonCli.Outcome man = await CordonCli.RunAsync("man");
        Assert.StartsWith(".TH CORDON 1", man.Stdout);
        Assert.Equal(0, (await CordonCli.RunAsync("completions", "fish")).Code);
        Assert.Equal(0, (await CordonCli.RunAsync("completions", "zsh")).Code);
    }

    [Fact]
    public async Task A_native_program_on_the_wasm_tier_is_explained_without_debug_text()
    {
        // /usr/bin/true: on merged-/usr hosts /bin is a link, which Cordon refuses to follow (its own clear message).
        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--tier", "wasm", "--", "/usr/bin/true");
        Assert.NotEqual(0, run.Code);
        Assert.Contains("not a WebAssembly module", run.Stderr);
        Assert.Contains("ELF", run.Stderr);
        Assert.DoesNotContain("expected=[", run.Stderr);
        Assert.DoesNotContain("0x61", run.Stderr);
        CordonCli.Outcome viaLink = await CordonCli.RunAsync("run", "--tier", "wasm", "--", "/bin/true");
        Assert.DoesNotContain("expected=[", viaLink.Stderr);
    }

    [Fact]
    public async Task A_contained_wasm_run_reports_no_refused_call_of_cordons_own_runner()
    {
        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--tier", "wasm", "--contain", "--json", "--", Path.Combine(Repository.Root, "examples", "hello.wasm"));
        using JsonDocument report = JsonDocument.Parse(run.Stdout);
        Assert.Equal("exited", report.RootElement.GetProperty("outcome").GetString());
        Assert.DoesNotContain(report.RootElement.GetProperty("violations").EnumerateArray(), v => v.GetProperty("syscall").GetString() == "get_mempolicy");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_wasm_tier_reads_a_streamed_stdin_plain_and_contained(bool contain)
    {
        string module = Path.Combine(Repository.Root, "tests", "Cordon.Backends.Wasm.Tests", "Modules", "echo_stdin.wat");
        string options = contain ? "--tier wasm --contain" : "--tier wasm";
        CordonCli.Outcome run = await CordonCli.BashAsync($"printf 'via the pipe' | $CORDON run --quiet {options} -i -- {module}");
        Assert.True(run.Code == 0, run.Stderr);
        Assert.Contains("via the pipe", run.Stdout);
    }

    [Fact]
    public async Task Env_passthrough_env_file_and_chdir_reach_the_guest()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-cli-test-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "vars"), "# settings\nFROM_FILE=file value\n");
            CordonCli.Outcome run = await CordonCli.BashAsync("FROM_CALLER=passed $CORDON run --quiet --env FROM_CALLER --env-file vars --chdir /tmp -- sh -c 'echo \"$FROM_CALLER|$FROM_FILE|$(pwd)\"'", dir);
            Assert.Equal("passed|file value|/tmp\n", run.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_colon_in_a_host_path_is_written_with_a_backslash()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-cli-test-").FullName;
        try
        {
            string odd = Path.Combine(dir, "a:b");
            Directory.CreateDirectory(odd);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(odd, (UnixFileMode)0b111_101_101);
            await File.WriteAllTextAsync(Path.Combine(odd, "f"), "inside\n");
            File.SetUnixFileMode(Path.Combine(odd, "f"), (UnixFileMode)0b110_100_100);
            CordonCli.Outcome run = await CordonCli.RunAsync("run", "--quiet", "--ro", odd.Replace(":", "\\:", StringComparison.Ordinal) + ":/data", "--", "cat", "/data/f");
            Assert.True(run.Code == 0, run.Stderr);
            Assert.Equal("inside\n", run.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
