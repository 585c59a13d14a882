using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace Cordon.Playground.Tests;

/// <summary>The playground page in a real chromium: edit, run in each tier the host has, live output, verdict, denials, audit.</summary>
public sealed class PlaygroundTests(BrowserSession session) : IClassFixture<BrowserSession>
{
    [Fact]
    public async Task A_js_run_shows_its_output_verdict_denials_and_audit()
    {
        IPage page = await Open();
        await page.FillAsync("#source", "console.log('before the door');\nrequire('child_process').execSync('id');");
        await Run(page, "js");
        Assert.Contains("before the door", await page.InnerTextAsync("#output"), StringComparison.Ordinal);
        Assert.Contains("Uncaught ReferenceError: require is not defined", await page.InnerTextAsync("#output"), StringComparison.Ordinal);
        Assert.Contains("js: exited (exit 1)", await page.InnerTextAsync("#verdict"), StringComparison.Ordinal);
        Assert.Contains("require: not defined", await page.InnerTextAsync("#denials"), StringComparison.Ordinal);
        string audit = await page.InnerTextAsync("#audit");
        Assert.Contains("cordon audit POLICY --tier js", audit, StringComparison.Ordinal);
        Assert.Contains("the script's only boundary is the engine", audit, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "playground-js-denial.png"), FullPage = true });
    }

    [Fact]
    public async Task A_js_infinite_loop_meets_the_wall_time_limit()
    {
        IPage page = await Open();
        await page.FillAsync("#source", "for (;;) { }");
        await page.FillAsync("#time", "1s");
        await Run(page, "js");
        Assert.Contains("wall_time_exceeded · limit: wall_time", await page.InnerTextAsync("#verdict"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, "playground-js-loop.png"), FullPage = true });
    }

    [Fact]
    public async Task Every_tier_the_host_has_runs_from_the_page()
    {
        IPage page = await Open();
        string tiers = await page.GetAttributeAsync("body", "data-tiers") ?? "";
        Assert.Contains("js", tiers, StringComparison.Ordinal);
        foreach ((string tier, string source, string expected) in ((string, string, string)[])[
            ("js", "console.log('hello from js')", "hello from js"),
            ("wasm", WasmHello, "hello from the Wasm tier"),
            ("process", "echo hello from the process tier; cat /etc/shadow", "hello from the process tier")])
        {
            if (!tiers.Split(' ').Contains(tier)) continue;   // the page offers only what the host has
            await page.FillAsync("#source", source);
            await Run(page, tier);
            Assert.Contains(expected, await page.InnerTextAsync("#output"), StringComparison.Ordinal);
            Assert.Contains($"{tier}: exited", await page.InnerTextAsync("#verdict"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.Screenshots, $"playground-{tier}.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task Runs_from_another_origin_or_host_name_are_refused()
    {
        using var http = new HttpClient();
        var run = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Server.Address, "api/run"))
        {
            Content = new StringContent("{\"tier\":\"js\",\"source\":\"1\"}", Encoding.UTF8, "application/json"),
        };
        run.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(run)).StatusCode);

        var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri(session.Server.Address, "api/tiers"));
        rebound.Headers.Host = $"evil.example:{session.Server.Address.Port}";
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await http.SendAsync(rebound)).StatusCode);
    }

    private const string WasmHello = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello from the Wasm tier\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 25))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """;

    private async Task<IPage> Open()
    {
        IPage page = await session.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(session.Server.Address, "playground/").ToString());
        await page.WaitForSelectorAsync("#run-js:not([disabled])");
        return page;
    }

    private static async Task Run(IPage page, string tier)
    {
        await page.ClickAsync($"#run-{tier}");
        await page.WaitForSelectorAsync("body[data-state='done']", new PageWaitForSelectorOptions { Timeout = 120_000 });
    }
}
