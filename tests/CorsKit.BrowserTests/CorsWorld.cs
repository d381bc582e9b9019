using System.Diagnostics;
using System.Runtime.CompilerServices;
using CorsKit.BrowserTests.Engines;
using CorsKit.BrowserTests.Servers;

namespace CorsKit.BrowserTests;

/// <summary>
/// Everything one engine's scenarios share: its browser, one page server giving many page
/// origins, four APIs behind CorsKit with different policies, and the sample's multi-tenant API
/// whose origins live in SQLite. Each engine has a world of its
/// own (so the engines can run side by side without mixing server counts), started once for all
/// of its scenarios; its browser is stopped with it, also when a scenario failed.
/// </summary>
public abstract class CorsWorld(BrowserEngine engine) : IAsyncLifetime
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

    /// <summary>A tenant's shop, whose origin is added to the tenant's list at run time (S20).</summary>
    public const string TenantShopHost = "shop.acme.localhost";

    private readonly Stopwatch _running = new();
    private IRunningBrowser? _browser;

    public BrowserEngine Engine => engine;

    /// <summary>The engine's version, once its browser runs.</summary>
    public string? Version => _browser?.Version;

    public PageServer Pages { get; } = new();

    /// <summary>Exact origin and pattern, credentials, PUT, Content-Type and X-Allowed, exposes X-Exposed, Max-Age 600.</summary>
    public ApiServer Credentialed { get; private set; } = null!;

    /// <summary>Exact origin, no credentials, PUT and Content-Type, no Max-Age.</summary>
    public ApiServer NoMaxAge { get; private set; } = null!;

    /// <summary>Exact origin, no credentials, PUT and Content-Type, Max-Age 0.</summary>
    public ApiServer ZeroMaxAge { get; private set; } = null!;

    /// <summary>Any origin, any method, any header, no credentials.</summary>
    public ApiServer Public { get; private set; } = null!;

    /// <summary>Origins per tenant from a SQLite file (the sample's store), PUT and Content-Type, credentials, Max-Age 600, RefreshSeconds 2.</summary>
    public TenantApiServer Tenants { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _running.Start();
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
        Tenants = new TenantApiServer("tenants.corskit.localhost");
        await Task.WhenAll(Credentialed.StartAsync(), NoMaxAge.StartAsync(), ZeroMaxAge.StartAsync(), Public.StartAsync(), Tenants.StartAsync());

        if (engine.SkipReason is not null)
        {
            return; // every scenario of this engine is skipped; nothing to launch
        }

        engine.EnsureAvailable();
        _browser = await LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }
        }
        finally
        {
            await Pages.DisposeAsync();
            foreach (var api in new LoopbackServer[] { Credentialed, NoMaxAge, ZeroMaxAge, Public, Tenants })
            {
                if (api is not null)
                {
                    await api.DisposeAsync();
                }
            }

            BrowserReport.Finished(this, _running.Elapsed);
        }
    }

    /// <summary>Opens a page of <paramref name="host"/> (or <paramref name="url"/>) in a fresh context: own cookies, own preflight cache.</summary>
    public async Task<BrowserPage> OpenAsync(string host, string? url = null)
    {
        var browser = _browser ?? throw new InvalidOperationException($"{engine} is not running");
        var tab = await browser.OpenAsync();
        try
        {
            await tab.NavigateAsync(url ?? $"{Pages.Origin(host)}/");
            return new BrowserPage(tab);
        }
        catch
        {
            await tab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Records that a scenario passed in this engine, with what the engine did where engines may differ.</summary>
    public void Passed(string? observed = null, [CallerMemberName] string scenario = "") =>
        BrowserReport.Passed(engine, scenario.Replace('_', ' '), observed);

    protected abstract Task<IRunningBrowser> LaunchAsync();
}

/// <summary>The world of the Chromium scenarios.</summary>
public sealed class ChromiumWorld() : CorsWorld(BrowserEngine.Chromium)
{
    protected override async Task<IRunningBrowser> LaunchAsync() => await ChromiumBrowser.LaunchAsync();
}

/// <summary>The world of the Firefox scenarios.</summary>
public sealed class FirefoxWorld() : CorsWorld(BrowserEngine.Firefox)
{
    protected override async Task<IRunningBrowser> LaunchAsync() => await FirefoxBrowser.LaunchAsync();
}

/// <summary>The world of the WebKit scenarios.</summary>
public sealed class WebKitWorld() : CorsWorld(BrowserEngine.WebKit)
{
    protected override async Task<IRunningBrowser> LaunchAsync() => await WebKitBrowser.LaunchAsync();
}

/// <summary>The Chromium scenarios share one world; the collection's name is the engine's (see <see cref="BrowserFactDiscoverer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumSuite : ICollectionFixture<ChromiumWorld>
{
    public const string Name = nameof(BrowserEngine.Chromium);
}

/// <summary>The Firefox scenarios share one world; the collection's name is the engine's (see <see cref="BrowserFactDiscoverer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class FirefoxSuite : ICollectionFixture<FirefoxWorld>
{
    public const string Name = nameof(BrowserEngine.Firefox);
}

/// <summary>The WebKit scenarios share one world; the collection's name is the engine's (see <see cref="BrowserFactDiscoverer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class WebKitSuite : ICollectionFixture<WebKitWorld>
{
    public const string Name = nameof(BrowserEngine.WebKit);
}

/// <summary>The scenarios in Chromium.</summary>
[Collection(ChromiumSuite.Name)]
public sealed class Chromium(ChromiumWorld world) : BrowserScenarios(world);

/// <summary>The scenarios in Firefox.</summary>
[Collection(FirefoxSuite.Name)]
public sealed class Firefox(FirefoxWorld world) : BrowserScenarios(world);

/// <summary>The scenarios in WebKit.</summary>
[Collection(WebKitSuite.Name)]
public sealed class WebKit(WebKitWorld world) : BrowserScenarios(world);
