using Microsoft.Playwright;

namespace Switchyard.Dashboard.Tests;

/// <summary>Debian's headless Chromium (<c>/usr/bin/chromium</c>, installed by scripts/test.sh), driven by Playwright;
/// one browser per test class, a fresh context (cookies, storage) per test. Playwright never downloads a browser here.</summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly string _profile = TempDir.Create();

    /// <summary>Starts the browser.</summary>
    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium (scripts/test.sh does)");
        _playwright = await Playwright.CreateAsync();
        // Playwright launches Chromium with a fresh temporary profile (user-data-dir) each time and deletes it after;
        // the flags keep Chromium from reaching the (closed) network for updates, sync and QUIC probes.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Env = new Dictionary<string, string> { ["HOME"] = _profile },
        });
    }

    /// <summary>A new page at a laptop-sized viewport (or <paramref name="width"/>×<paramref name="height"/>) in a
    /// context of its own.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a PNG of <paramref name="page"/> as <c>docs/screenshots/<paramref name="name"/>.png</c>, where the
    /// README links it.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoRoot(), "docs", "screenshots", name + ".png"), FullPage = false });

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Closes the browser.</summary>
    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        try { Directory.Delete(_profile, true); } catch (IOException) { }
    }
}
