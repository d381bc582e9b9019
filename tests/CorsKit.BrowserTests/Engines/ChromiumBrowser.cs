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

    public async Task<IBrowserTab> OpenAsync()
    {
        var context = await browser.NewContextAsync();
        try
        {
            return new Tab(context, await context.NewPageAsync());
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
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
        public async Task NavigateAsync(string url) => await page.GotoAsync(url);

        /// <summary>Evaluates with the time limit the other engines' protocols set (Playwright's evaluation has none).</summary>
        public Task<string> EvaluateAsync(string expression) => page.EvaluateAsync<string>(expression).WaitAsync(TimeSpan.FromSeconds(30));

        public ValueTask DisposeAsync() => context.DisposeAsync();
    }
}
