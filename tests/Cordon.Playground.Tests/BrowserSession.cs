using Microsoft.Playwright;

namespace Cordon.Playground.Tests;

/// <summary>
/// A real, headless Debian chromium driven by Playwright, with a fresh profile, and the playground on a free loopback
/// port. The machine has no internet: background networking, component updates and sync are off so that chromium does
/// not flood refused connections.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _profile = Directory.CreateTempSubdirectory("cordon-chromium-").FullName;
    private IPlaywright? _playwright;

    public PlaygroundServer Server { get; private set; } = null!;

    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots under the test output directory.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium package");
        }

        Server = await PlaygroundServer.StartAsync(0);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_profile, recursive: true);
    }
}
