using System.Diagnostics;
using System.Globalization;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary>stdin, stdout, stderr and descriptors of the real CLI: streamed, safely opened, order kept, EPIPE honoured.</summary>
public class StreamTests
{
    private const long TwoGiB = 2L * 1024 * 1024 * 1024;
    private const long RssBudget = 64L * 1024 * 1024;

    [Fact]
    public async Task Yes_into_head_ends_with_141_long_before_its_wall_limit()
    {
        CordonCli.Outcome run = await CordonCli.BashAsync("$CORDON run --time 10m -- yes | head -1; echo \"status=${PIPESTATUS[0]}\"");
        Assert.StartsWith("y\n", run.Stdout);
        Assert.Contains("status=141", run.Stdout);
        Assert.Contains("EPIPE", run.Stderr);
        Assert.DoesNotContain("wall_time_exceeded", run.Stderr);
    }

    [Theory]
    [InlineData(">&-", "1 (stdout)")]
    [InlineData("<&-", "0 (stdin)")]
    public async Task A_closed_standard_descriptor_at_start_is_a_clear_error(string redirection, string named)
    {
        CordonCli.Outcome run = await CordonCli.BashAsync($"$CORDON run -- echo hi {redirection}");
        Assert.Equal(125, run.Code);
        Assert.Contains(named, run.Stderr);
        Assert.Contains("closed", run.Stderr);
    }

    [Fact]
    public async Task A_closed_stderr_at_start_exits_125()
        => Assert.Equal(125, (await CordonCli.BashAsync("$CORDON run -- echo hi 2>&-")).Code);

    [Fact]
    public async Task Interleaved_output_keeps_its_order_when_stdout_and_stderr_are_one_file()
    {
        CordonCli.Outcome run = await CordonCli.BashAsync("$CORDON run --quiet -- sh -c 'echo a; echo b >&2; echo c; echo d >&2' 2>&1");
        Assert.Equal("a\nb\nc\nd\n", run.Stdout);
    }

    [Fact]
    public async Task Separate_files_get_separate_streams()
    {
        CordonCli.Outcome run = await CordonCli.BashAsync("$CORDON run --quiet -- sh -c 'echo out; echo err >&2'");
        Assert.Equal("out\n", run.Stdout);
        Assert.Equal("err\n", run.Stderr);
    }

    [Fact]
    public async Task Two_GiB_of_piped_stdin_reach_the_guest_while_cordon_stays_under_64_MiB()
    {
        var start = CordonCli.StartInfo("dotnet", [CordonCli.Dll, "run", "-i", "--quiet", "--time", "10m", "--cpu", "none", "--", "wc", "-c"]);
        using var cordon = Process.Start(start)!;
        Task<string> stdout = cordon.StandardOutput.ReadToEndAsync();
        _ = cordon.StandardError.ReadToEndAsync();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, PeakRss(cordon.Id) ?? 0);
                await Task.Delay(20);
            }
        });

        byte[] zeros = new byte[1024 * 1024];
        Stream input = cordon.StandardInput.BaseStream;
        for (long sent = 0; sent < TwoGiB; sent += zeros.Length) await input.WriteAsync(zeros);
        // The high-water mark only grows: read once more just before the process can exit.
        peak = Math.Max(peak, PeakRss(cordon.Id) ?? 0);
        input.Close();
        await cordon.WaitForExitAsync(new CancellationTokenSource(CordonCli.SafetyNet).Token);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(0, cordon.ExitCode);
        Assert.Equal(TwoGiB.ToString(CultureInfo.InvariantCulture), (await stdout).Trim());
        Assert.True(peak is > 0 and < RssBudget, $"cordon's peak RSS was {peak / 1024 / 1024} MiB");
    }

    [Fact]
    public async Task Two_GiB_of_stdin_from_a_file_are_streamed_too()
    {
        string dir = Directory.CreateTempSubdirectory("cordon-cli-test-").FullName;
        try
        {
            string file = Path.Combine(dir, "big.bin");
            using (var stream = File.Create(file)) stream.SetLength(TwoGiB); // sparse: costs no disk
            var start = CordonCli.StartInfo("dotnet", [CordonCli.Dll, "run", "--stdin", file, "--quiet", "--time", "10m", "--cpu", "none", "--", "wc", "-c"]);
            using var cordon = Process.Start(start)!;
            cordon.StandardInput.Close();
            Task<string> stdout = cordon.StandardOutput.ReadToEndAsync();
            _ = cordon.StandardError.ReadToEndAsync();
            long peak = 0;
            while (!cordon.HasExited)
            {
                peak = Math.Max(peak, PeakRss(cordon.Id) ?? 0);
                await Task.Delay(20);
            }

            Assert.Equal(0, cordon.ExitCode);
            Assert.Equal(TwoGiB.ToString(CultureInfo.InvariantCulture), (await stdout).Trim());
            Assert.True(peak < RssBudget, $"cordon's peak RSS was {peak / 1024 / 1024} MiB");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("symlink", "symbolic link")]
    [InlineData("symlinked-dir", "symbolic link")]
    [InlineData("fifo", "FIFO")]
    [InlineData("directory", "a directory")]
    [InlineData("device", "character device")]
    [InlineData("missing", "does not exist")]
    public async Task Stdin_from_a_planted_path_is_refused_with_a_clear_message(string plant, string expected)
    {
        string dir = Directory.CreateTempSubdirectory("cordon-cli-test-").FullName;
        try
        {
            string path = Path.Combine(dir, "input.txt");
            switch (plant)
            {
                case "symlink": File.CreateSymbolicLink(path, "/etc/shadow"); break;
                case "symlinked-dir":
                    Directory.CreateSymbolicLink(Path.Combine(dir, "sub"), "/etc");
                    path = Path.Combine(dir, "sub", "hostname");
                    break;
                case "fifo": Assert.Equal(0, (await CordonCli.RunProgramAsync("mkfifo", [path])).Code); break;
                case "directory": Directory.CreateDirectory(path); break;
                case "device": path = "/dev/zero"; break;
            }

            // A FIFO with no writer would block an open without O_NONBLOCK forever: the safety net would fail the test.
            CordonCli.Outcome run = await CordonCli.RunAsync("run", "--stdin", path, "--", "cat");
            Assert.Equal(125, run.Code);
            Assert.Contains(path, run.Stderr);
            Assert.Contains(expected, run.Stderr);
            Assert.DoesNotContain("root:", run.Stdout);
            Assert.Empty(CordonCli.CgroupsOf(run.Pid));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_descriptor_the_caller_passed_is_handed_in_and_one_it_did_not_is_refused()
    {
        CordonCli.Outcome passed = await CordonCli.BashAsync("$CORDON run --quiet --fd 3 -- sh -c 'cat <&3' 3<<<'from fd three'");
        Assert.Equal(0, passed.Code);
        Assert.Equal("from fd three\n", passed.Stdout);

        CordonCli.Outcome notPassed = await CordonCli.RunAsync("run", "--fd", "9", "--", "true");
        Assert.Equal(125, notPassed.Code);
        Assert.Contains("descriptor 9 was not passed to cordon", notPassed.Stderr);
    }

    [Fact]
    public async Task A_descriptor_the_runtime_opened_for_itself_is_refused()
    {
        // Find a close-on-exec descriptor in a live cordon (the runtime's own: its signal pipe, epoll, ...).
        string marker = CordonCli.Unique("6");
        using var live = Process.Start(CordonCli.StartInfo("dotnet", [CordonCli.Dll, "run", "--time", "10m", "--", "sleep", marker]))!;
        live.StandardInput.Close();
        _ = live.StandardOutput.ReadToEndAsync();
        _ = live.StandardError.ReadToEndAsync();
        int runtimeFd;
        try
        {
            Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count > 0));
            runtimeFd = Directory.GetFiles($"/proc/{live.Id}/fdinfo").Select(f => int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture))
                .Where(fd => fd > 2 && IsCloseOnExec(live.Id, fd)).Order().First();
        }
        finally
        {
            live.Kill();
            await live.WaitForExitAsync();
        }

        CordonCli.Outcome run = await CordonCli.RunAsync("run", "--fd", $"3={runtimeFd}", "--", "true");
        Assert.Equal(125, run.Code);
        Assert.Contains($"descriptor {runtimeFd} was not passed to cordon", run.Stderr);
    }

    private static bool IsCloseOnExec(int pid, int fd)
    {
        try
        {
            string flags = File.ReadLines($"/proc/{pid}/fdinfo/{fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal))[6..].Trim();
            return (Convert.ToInt64(flags, 8) & 0x80000) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>VmHWM of <paramref name="pid"/> in bytes, read from the host's /proc.</summary>
    private static long? PeakRss(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }
}
