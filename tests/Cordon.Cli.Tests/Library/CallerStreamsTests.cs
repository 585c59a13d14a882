using System.IO.Pipes;
using System.Text;
using Cordon.Backends.Process;
using Cordon.Backends.Process.CallerIo;
using Cordon.Execution;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Cli.Tests.Library;

/// <summary>The library side of what the CLI uses: a streamed stdin, one pipe for both streams, a guest terminal, forwarded signals.</summary>
public class CallerStreamsTests
{
    private static readonly ProcessSandbox Sandbox = new();

    private static string Stdout(SandboxResult r) => Encoding.UTF8.GetString(r.StandardOutput.Bytes.Span);

    [Fact]
    public async Task A_stdin_source_is_streamed_to_the_guest_byte_for_byte()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        using var reader = new SafeFileHandle(pipe.ClientSafePipeHandle.DangerousGetHandle(), ownsHandle: false);
        const int Megabytes = 40;
        Task feed = Task.Run(() =>
        {
            byte[] chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)'x');
            for (int i = 0; i < Megabytes; i++) pipe.Write(chunk);
            pipe.Dispose();
        });
        SandboxResult result = await Sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("wc", ["-c"]) { StandardInputSource = reader });
        await feed;
        Assert.Equal(SandboxOutcome.Exited, result.Outcome);
        Assert.Equal((Megabytes << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), Stdout(result).Trim());
    }

    [Fact]
    public async Task A_guest_that_stops_reading_early_does_not_stall_the_pump()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        using var reader = new SafeFileHandle(pipe.ClientSafePipeHandle.DangerousGetHandle(), ownsHandle: false);
        pipe.Write("first line\nsecond line\n"u8);
        SandboxResult result = await Sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("head", ["-1"]) { StandardInputSource = reader });
        Assert.Equal(SandboxOutcome.Exited, result.Outcome);
        Assert.Equal("first line\n", Stdout(result));
    }

    [Fact]
    public async Task Merged_streams_keep_their_order()
    {
        SandboxResult result = await Sandbox.RunAsync(SandboxPolicy.Default,
            new SandboxCommand("sh", ["-c", "echo a; echo b >&2; echo c; echo d >&2"]) { MergeStandardError = true });
        Assert.Equal("a\nb\nc\nd\n", Stdout(result));
        Assert.Equal(0, result.StandardError.TotalBytes);
    }

    [Fact]
    public async Task A_guest_terminal_is_a_terminal_of_the_given_size()
    {
        GuestTerminal terminal = PseudoTerminals.Open(33, 99);
        using SafeFileHandle controller = terminal.Controller;
        SandboxResult result = await Sandbox.RunAsync(SandboxPolicy.Default,
            new SandboxCommand("sh", ["-c", "test -t 0 && test -t 2 && stty size"]) { Terminal = terminal });
        Assert.Equal(SandboxOutcome.Exited, result.Outcome);
        Assert.Contains("33 99", Stdout(result));
    }

    [Fact]
    public async Task A_forwarded_signal_ends_the_run_canceled_with_that_signal()
    {
        var signals = new SignalForwarder(TimeSpan.FromSeconds(2));
        Task<SandboxResult> run = Sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("sh", ["-c", "trap 'echo got TERM; exit 7' TERM; while :; do sleep 0.05; done"]) { Signals = signals });
        await Task.Delay(1500);
        signals.Send(15);
        SandboxResult result = await run;
        Assert.Equal(SandboxOutcome.Canceled, result.Outcome);
        Assert.Equal(15, result.Signal);
        Assert.Contains("got TERM", Stdout(result));
        Assert.Contains("within 2s", result.Detail);
    }
}
