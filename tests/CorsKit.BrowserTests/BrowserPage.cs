using Microsoft.Playwright;

namespace CorsKit.BrowserTests;

/// <summary>What a page's <c>fetch()</c> gave: a readable response, or the error the browser raised.</summary>
public sealed class FetchResult
{
    public bool Ok { get; set; }

    public int Status { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string?>? Headers { get; set; }

    public string? Error { get; set; }

    /// <summary>True when fetch() rejected with a TypeError: the browser's CORS (or network) failure.</summary>
    public bool FailedWithTypeError => !Ok && Error == "TypeError";
}

/// <summary>A page in its own browser context, running fetch() from inside the page.</summary>
public sealed class BrowserPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private const string FetchScript = """
        async ([url, init, readHeaders]) => {
          try {
            const response = await fetch(url, init);
            const body = await response.text();
            const headers = {};
            for (const name of readHeaders) headers[name] = response.headers.get(name);
            return { ok: true, status: response.status, body, headers, error: null };
          } catch (e) {
            return { ok: false, status: 0, body: null, headers: null, error: e.name };
          }
        }
        """;

    public IPage Page => page;

    /// <summary>
    /// Calls fetch(url, init) in the page. <paramref name="init"/> holds only what the caller sets:
    /// method, headers, body, credentials.
    /// </summary>
    public Task<FetchResult> FetchAsync(string url, Dictionary<string, object>? init = null, params string[] readHeaders) =>
        page.EvaluateAsync<FetchResult>(FetchScript, new object[] { url, init ?? new Dictionary<string, object>(), readHeaders });

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
