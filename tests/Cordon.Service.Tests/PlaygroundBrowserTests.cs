using Microsoft.Playwright;

namespace Cordon.Service.Tests;

/// <summary>
/// The service's playground (<c>--playground</c>) in a real headless chromium driven by Playwright (Debian's chromium,
/// no browser download): the shared page finds it is served by cordon serve, runs code through /v1, and shows the
/// guest's output as text, however hostile.
/// </summary>
public sealed class PlaygroundBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _profile = Directory.CreateTempSubdirectory("cordon-serve-chromium-").FullName;
    private IPlaywright? _playwright;
    private IBrowserContext _browser = null!;
    private ServeProcess _serve = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium package");
        _serve = await ServeProcess.StartAsync("--playground");
        _playwright = await Playwright.CreateAsync();
        // The machine has no internet: chromium's background networking, updates and sync are off.
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright?.Dispose();
        await _serve.DisposeAsync();
        Directory.Delete(_profile, recursive: true);
    }

    [Fact]
    public async Task Python_runs_from_the_page_and_hostile_output_shows_as_text()
    {
        IPage page = await _browser.NewPageAsync();
        List<string> dialogs = [];
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(_serve.Address.ToString());
        await page.WaitForSelectorAsync("#run-python3");
        Assert.Equal("service", await page.GetAttributeAsync("body", "data-mode"));
        Assert.True(await page.IsVisibleAsync("#key"), "the API key field is the service's");
        Assert.False(await page.IsVisibleAsync("#audit"), "the policy audit is the standalone playground's");

        const string Hostile = "<script>alert('script')</script><img src=x onerror=\"alert('img')\"><b>bold</b>";
        await page.FillAsync("#source", $"import sys\nprint(\"{Hostile.Replace("\"", "\\\"", StringComparison.Ordinal)}\")\nprint(input(), file=sys.stderr)");
        await page.FillAsync("#stdin", "<img src=y onerror=\"alert('stderr')\">\n");
        await page.FillAsync("#time", "30s"); // the page's 2 s is for a person watching; this host may be busy
        await page.ClickAsync("#run-python3");
        await page.WaitForSelectorAsync("body[data-state='done']", new PageWaitForSelectorOptions { Timeout = 120_000 });

        string verdict = await page.InnerTextAsync("#verdict");
        Assert.Contains("finished · exited · exit.success", verdict, StringComparison.Ordinal);
        string output = await page.InnerTextAsync("#output");
        Assert.Contains(Hostile, output, StringComparison.Ordinal);
        Assert.Contains("<img src=y onerror=\"alert('stderr')\">", output, StringComparison.Ordinal);
        // Shown as text: no element was made of the guest's output, and nothing of it ran.
        Assert.Equal(0, await page.Locator("#output script, #output img, #output b").CountAsync());
        Assert.Equal(await page.Locator("#output span").CountAsync(), await page.Locator("#output *").CountAsync());
        Assert.Empty(dialogs);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName, "serve-playground.png"), FullPage = true });
    }
}
