using Microsoft.Playwright;

namespace Cordon.Playground.Tests;

/// <summary>
/// The "break out of the browser" page in a real chromium: every hostile snippet runs in the page and in Cordon's
/// JavaScript tier, and both must refuse it, each in its own way.
/// </summary>
public sealed class BrowserWallsTests(BrowserSession session) : IClassFixture<BrowserSession>
{
    /// <summary>Each snippet, what the browser's refusal says, and what Cordon's says (both exact fragments).</summary>
    public static TheoryData<string, string, string> Walls => new()
    {
        { "file-fetch", "TypeError: Failed to fetch", "denied: fetch: not defined" },
        { "file-input", "user", "denied: document: not defined" },
        { "raw-socket", "ReferenceError: TCPSocket is not defined", "denied: TCPSocket: not defined" },
        { "cross-origin-fetch", "TypeError: Failed to fetch", "denied: fetch: not defined" },
        { "cross-origin-frame", "SecurityError", "denied: document: not defined" },
        { "other-cookie", "the other site's session is not there", "denied: document: not defined" },
        { "launch-program", "ReferenceError: ActiveXObject is not defined", "denied: ActiveXObject: not defined" },
        { "memory-bomb", "RangeError: Invalid string length", "memory_exceeded (limit: memory)" },
        { "infinite-loop", "the page terminated its worker", "wall_time_exceeded (limit: wall_time)" },
        { "redos", "the page terminated its worker", "wall_time_exceeded (limit: wall_time)" },
        { "atomics-wait", "SharedArrayBuffer is not defined", "TypeError: Atomics.wait cannot be used in this agent" },
        { "timing", "performance.now() is coarsened", "denied: performance: not defined" },
    };

    [Fact]
    public async Task Every_snippet_is_refused_by_the_browser_and_by_cordon()
    {
        IPage page = await Walls_page_after_run_all();
        foreach (object[] row in Walls)
        {
            var (id, browserSays, cordonSays) = ((string)row[0], (string)row[1], (string)row[2]);
            ILocator browser = page.Locator($"#browser-{id}");
            ILocator cordon = page.Locator($"#cordon-{id}");
            string browserText = await browser.InnerTextAsync();
            string cordonText = await cordon.InnerTextAsync();
            Assert.True(await browser.GetAttributeAsync("data-refused") == "true", $"{id}: the browser did not refuse: {browserText}");
            Assert.True(await cordon.GetAttributeAsync("data-refused") == "true", $"{id}: Cordon did not refuse: {cordonText}");
            Assert.True(browserText.Contains(browserSays, StringComparison.Ordinal), $"{id}: the browser said {browserText}");
            Assert.True(cordonText.Contains(cordonSays, StringComparison.Ordinal), $"{id}: Cordon said {cordonText}");
        }

        Assert.Equal($"{2 * Walls.Count} of {2 * Walls.Count} attempts refused", await page.Locator("#summary").InnerTextAsync());
    }

    private async Task<IPage> Walls_page_after_run_all()
    {
        IPage page = await session.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(session.Server.Address, "walls/").ToString());
        await page.ClickAsync("#run-all");
        await page.WaitForSelectorAsync("body[data-done='true']", new PageWaitForSelectorOptions { Timeout = 300_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "browser-walls.png"), FullPage = true });
        return page;
    }
}
