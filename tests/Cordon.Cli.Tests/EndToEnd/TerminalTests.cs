using System.Text.Json;
using Cordon.Cli.Tests.Support;

namespace Cordon.Cli.Tests.EndToEnd;

/// <summary>cordon run on a real terminal (a pseudo-terminal driven by Python's pty module).</summary>
public class TerminalTests
{
    [Fact]
    public async Task Tty_gives_the_guest_a_terminal_of_the_callers_size()
    {
        JsonElement run = await CordonCli.InTerminalAsync(37, 111, [], "run", "-t", "--", "sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo IS-A-TTY; stty size");
        string output = run.GetProperty("output").GetString()!;
        Assert.True(run.GetProperty("exit").GetInt32() == 0, output);
        Assert.Contains("IS-A-TTY", output);
        Assert.Contains("37 111", output);
        Assert.True(run.GetProperty("modeRestored").GetBoolean());
    }

    [Fact]
    public async Task The_callers_terminal_is_raw_during_an_interactive_run_and_restored_after_a_kill()
    {
        string marker = CordonCli.Unique("6");
        JsonElement run = await CordonCli.InTerminalAsync(24, 80, ["--signal", "SIGTERM", "--after", "4"], "run", "-t", "-i", "--time", "10m", "--", "sleep", marker);
        Assert.True(run.GetProperty("rawDuring").GetBoolean(), run.GetProperty("output").GetString());
        Assert.True(run.GetProperty("modeRestored").GetBoolean(), run.GetProperty("output").GetString());
        Assert.Equal(143, run.GetProperty("exit").GetInt32());
        Assert.True(await CordonCli.EventuallyAsync(() => CordonCli.ProcessesWith(marker).Count == 0));
    }

    [Fact]
    public async Task Interactive_input_reaches_the_guest_live()
    {
        // Without -t the caller's terminal stays cooked: the line and the Ctrl-D are the terminal's, cordon streams what it reads.
        JsonElement run = await CordonCli.InTerminalAsync(24, 80, ["--input", "hello from the keyboard\n\u0004"], "run", "-i", "--time", "10m", "--", "sh", "-c", "read line; echo \"guest got: $line\"");
        string output = run.GetProperty("output").GetString()!;
        Assert.Contains("guest got: hello from the keyboard", output);
        Assert.Equal(0, run.GetProperty("exit").GetInt32());
    }

    [Fact]
    public async Task Ctrl_c_typed_into_an_interactive_terminal_interrupts_the_guest()
    {
        // The guest's terminal is not its controlling terminal, so Cordon turns the interrupt character into SIGINT itself.
        JsonElement run = await CordonCli.InTerminalAsync(24, 80, ["--input", "\u0003", "--input-after", "4"], "run", "-t", "-i", "--time", "10m", "--",
            "sh", "-c", "trap 'echo GOT-INT; exit 5' INT; echo READY; while :; do sleep 0.1; done");
        string output = run.GetProperty("output").GetString()!;
        Assert.Contains("READY", output);
        Assert.Contains("GOT-INT", output);
        Assert.Equal(5, run.GetProperty("exit").GetInt32());
        Assert.True(run.GetProperty("modeRestored").GetBoolean());
    }

    [Fact]
    public async Task Without_i_a_terminal_user_is_told_once_that_stdin_is_dev_null()
    {
        JsonElement run = await CordonCli.InTerminalAsync(24, 80, [], "run", "--", "true");
        string output = run.GetProperty("output").GetString()!;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "stdin is /dev/null"));
        Assert.Contains("-i", output);
    }

    [Fact]
    public async Task Output_on_a_terminal_keeps_carriage_returns_and_escapes_controls_and_bidi()
    {
        JsonElement run = await CordonCli.InTerminalAsync(24, 80, [], "run", "--", "printf", "50%%\\r100%%\\n\\033]52;c;aGk=\\007 \\342\\200\\256evil\\n");
        string output = run.GetProperty("output").GetString()!;
        Assert.Contains("50%\r100%", output);
        Assert.Contains("\\x1b]52;c;aGk=\\x07", output);
        Assert.Contains("\\u202eevil", output);
        Assert.DoesNotContain("\u001b]52", output);
        Assert.DoesNotContain("\u202e", output);
    }
}
