using Cordon.Workers;

namespace Cordon.Core.Tests;

public sealed class WorkerPoolTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    [Fact]
    public void Work_runs_on_named_threads_no_more_than_the_maximum()
    {
        using var pool = new WorkerPool("test-worker-", maxThreads: 2, stackBytes: 1024 * 1024);
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using var done = new CountdownEvent(20);
        for (int i = 0; i < 20; i++)
        {
            pool.Post(() =>
            {
                names[Thread.CurrentThread.Name!] = true;
                done.Signal();
            });
        }

        Assert.True(done.Wait(SafetyNet));
        Assert.InRange(names.Count, 1, 2);
        Assert.All(names.Keys, n => Assert.StartsWith("test-worker-", n, StringComparison.Ordinal));
    }

    [Fact]
    public void A_retired_worker_is_replaced_and_counted_until_its_run_ends()
    {
        using var pool = new WorkerPool("test-retire-", maxThreads: 1, stackBytes: 1024 * 1024);
        using var stuck = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        using var later = new ManualResetEventSlim();
        Thread? first = null;
        pool.Post(() =>
        {
            first = Thread.CurrentThread;
            started.Set();
            stuck.Wait();
        });
        Assert.True(started.Wait(SafetyNet));

        pool.Post(later.Set); // queued behind the stuck run on the only thread
        pool.Retire(first!);
        Assert.Equal(1, pool.StuckWorkers);
        Assert.True(later.Wait(SafetyNet), "queued work did not get a new thread");

        stuck.Set();
        Assert.True(first!.Join(SafetyNet));
        Assert.Equal(0, pool.StuckWorkers);
    }

    [Fact]
    public void Posting_after_dispose_is_refused()
    {
        var pool = new WorkerPool("test-dispose-", maxThreads: 1, stackBytes: 1024 * 1024);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Post(() => { }));
    }
}
