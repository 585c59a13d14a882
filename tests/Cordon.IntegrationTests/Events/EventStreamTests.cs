using Cordon.Events;
using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;

namespace Cordon.IntegrationTests.Events;

/// <summary>A real run as a stream of events: started first, output and refused calls as they happen, the result last, one run id.</summary>
public class EventStreamTests : SandboxTest
{
    [Fact]
    public async Task A_run_streams_started_output_violations_and_its_result_in_order()
    {
        List<SandboxEvent> events = [];
        await foreach (SandboxEvent e in Sandbox.StreamAsync(SandboxPolicy.Default,
            new SandboxCommand("/usr/bin/python3", ["-c", "import ctypes,sys; print('before', flush=True); ctypes.CDLL(None).syscall(101, 0, 0, 0, 0); print('after')"])))
        {
            events.Add(e);
        }

        var started = Assert.IsType<RunStarted>(events[0]);
        var finished = Assert.IsType<RunFinished>(events[^1]);
        Assert.Equal("process", started.Tier);
        Assert.All(events, e => Assert.Equal(started.RunId, e.RunId));
        Assert.Equal(started.RunId, finished.Result.RunId);
        Assert.Equal(32, started.RunId.Length);
        AssertExited(finished.Result);

        string output = string.Concat(events.OfType<OutputReceived>().Where(o => o.Stream == OutputStream.StandardOutput).Select(o => System.Text.Encoding.UTF8.GetString(o.Chunk.Span)));
        Assert.Equal("before\nafter\n", output);
        int violation = events.FindIndex(e => e is ViolationObserved { Syscall: "ptrace", Action: "errno" });
        Assert.True(violation > 0, "no ptrace violation event");
        // The refused call happened after 'before' was flushed, and the event came as it happened, not with the result.
        int before = events.FindIndex(e => e is OutputReceived o && System.Text.Encoding.UTF8.GetString(o.Chunk.Span).Contains("before", StringComparison.Ordinal));
        Assert.True(before < violation && violation < events.Count - 1);
        Assert.Equal(1, finished.Result.Violations.Single(v => v.Syscall == "ptrace").Count);
    }

    [Fact]
    public async Task A_limit_is_an_event_before_the_result()
    {
        SandboxPolicy policy = new SandboxPolicyBuilder().WithWallTime(TimeSpan.FromSeconds(1)).Build();
        List<SandboxEvent> events = [];
        await foreach (SandboxEvent e in Sandbox.StreamAsync(policy, new SandboxCommand("/bin/sleep", ["30"]))) events.Add(e);
        var limit = Assert.Single(events.OfType<LimitReached>());
        Assert.Equal("wall_time", limit.Limit);
        Assert.Equal(SandboxOutcome.WallTimeExceeded, Assert.IsType<RunFinished>(events[^1]).Result.Outcome);
        Assert.True(events.IndexOf(limit) < events.Count - 1);
    }

    [Fact]
    public async Task The_output_callback_still_works_beside_the_events()
    {
        List<string> chunks = [];
        int events = 0;
        SandboxResult result = await Sandbox.RunAsync(SandboxPolicy.Default, new SandboxCommand("/bin/echo", ["hi"])
        {
            OnOutput = (_, chunk) => chunks.Add(System.Text.Encoding.UTF8.GetString(chunk)),
            OnEvent = _ => Interlocked.Increment(ref events),
        });
        AssertExited(result);
        Assert.Equal("hi\n", string.Concat(chunks));
        Assert.True(events >= 3, $"{events} events");
    }
}
