using CorsKit.BrowserTests.Servers;
using Microsoft.Playwright;

namespace CorsKit.BrowserTests;

/// <summary>
/// Everything the scenarios share: one Chromium, one page server giving many page origins, and
/// four APIs behind CorsKit with different policies. Started once for the whole suite.
/// </summary>
public sealed class CorsWorld : IAsyncLifetime
{
    /// <summary>Allowed by exact origin.</summary>
    public const string AppHost = "app.corskit.localhost";

    /// <summary>Allowed by no policy but the public one.</summary>
    public const string EvilHost = "evil.localhost";

    /// <summary>Allowed only through the pattern http://*.apps.corskit.localhost:PORT.</summary>
    public const string PatternHost = "x.apps.corskit.localhost";

    /// <summary>The pattern's apex, which a subdomain pattern never matches.</summary>
    public const string ApexHost = "apps.corskit.localhost";

    /// <summary>Look-alikes that string-suffix matching would wrongly accept.</summary>
    public const string LookAlikeHost = "evil-apps.corskit.localhost";
    public const string SuffixTrickHost = "x.apps.corskit.localhost.evil.localhost";

    /// <summary>Where the reference endpoint without CorsKit lives.</summary>
    public const string RawHost = "raw.corskit.localhost";

    private IPlaywright? _playwright;

    public PageServer Pages { get; } = new();

    /// <summary>Exact origin and pattern, credentials, PUT, Content-Type and X-Allowed, exposes X-Exposed, Max-Age 600.</summary>
    public ApiServer Credentialed { get; private set; } = null!;

    /// <summary>Exact origin, no credentials, PUT and Content-Type, no Max-Age.</summary>
    public ApiServer NoMaxAge { get; private set; } = null!;

    /// <summary>Exact origin, no credentials, PUT and Content-Type, Max-Age 0.</summary>
    public ApiServer ZeroMaxAge { get; private set; } = null!;

    /// <summary>Any origin, any method, any header, no credentials.</summary>
    public ApiServer Public { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Pages.StartAsync();
        var app = Pages.Origin(AppHost);
        Credentialed = new ApiServer("api.corskit.localhost", p => p
            .WithOrigins(app, $"http://*.apps.corskit.localhost:{Pages.Port}")
            .WithMethods("PUT")
            .WithHeaders("Content-Type", "X-Allowed")
            .WithExposedHeaders("X-Exposed")
            .AllowCredentials()
            .WithMaxAge(TimeSpan.FromSeconds(600)));
        NoMaxAge = new ApiServer("nocache.corskit.localhost", p => p.WithOrigins(app).WithMethods("PUT").WithHeaders("Content-Type"));
        ZeroMaxAge = new ApiServer("zero.corskit.localhost", p => p.WithOrigins(app).WithMethods("PUT").WithHeaders("Content-Type").WithMaxAge(TimeSpan.Zero));
        Public = new ApiServer("public.corskit.localhost", p => p.AllowAnyOrigin().WithMethods("*").WithHeaders("*"));
        await Task.WhenAll(Credentialed.StartAsync(), NoMaxAge.StartAsync(), ZeroMaxAge.StartAsync(), Public.StartAsync());

        if (BrowserEnvironment.SkipReason is not null)
        {
            return; // every test is skipped; nothing to launch
        }

        if (!BrowserEnvironment.IsAvailable)
        {
            throw new InvalidOperationException(
                $"{BrowserEnvironment.RequireVariable} is set but there is no Chromium at {BrowserEnvironment.ChromiumPath}: install it with apt-get install -y chromium.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserEnvironment.ChromiumPath,
            Headless = true,
            Args = BrowserEnvironment.LaunchArguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }

        await Pages.DisposeAsync();
        foreach (var api in new[] { Credentialed, NoMaxAge, ZeroMaxAge, Public })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }
    }

    /// <summary>Opens a fresh browser context (own cookies, own preflight cache) on a page of <paramref name="host"/>.</summary>
    public async Task<BrowserPage> OpenAsync(string host, string? url = null)
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(url ?? $"{Pages.Origin(host)}/");
        return new BrowserPage(context, page);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserSuite : ICollectionFixture<CorsWorld>
{
    public const string Name = "browser";
}
