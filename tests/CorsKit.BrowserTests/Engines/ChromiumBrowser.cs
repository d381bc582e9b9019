using Microsoft.Playwright;

namespace CorsKit.BrowserTests.Engines;

/// <summary>Debian's Chromium through Microsoft.Playwright; each tab gets its own browser context.</summary>
internal sealed class ChromiumBrowser(IPlaywright playwright, IBrowser browser) : IRunningBrowser
{
    /// <summary>The launch flags this machine needs: no sandbox as root, and no background traffic to a closed network.</summary>
    private static readonly string[] LaunchArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public string Version => browser.Version;

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = BrowserEngine.Chromium.Program,
                Headless = true,
                Args = LaunchArguments,
            });
            return new ChromiumBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task<IBrowserTab> OpenAsync(string url)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        return new Tab(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await browser.DisposeAsync();
        }
        finally
        {
            playwright.Dispose();
        }
    }

    private sealed class Tab(IBrowserContext context, IPage page) : IBrowserTab
    {
        public Task<string> EvaluateAsync(string expression) => page.EvaluateAsync<string>(expression);

        public ValueTask DisposeAsync() => context.DisposeAsync();
    }
}
