using System.Text.Json;
using CorsKit.BrowserTests.Engines;

namespace CorsKit.BrowserTests;

/// <summary>What a page's <c>fetch()</c> gave: a readable response, or the error the browser raised.</summary>
public sealed class FetchResult
{
    public bool Ok { get; set; }

    public int Status { get; set; }

    /// <summary>The response's type: <c>cors</c>, <c>basic</c>, or <c>opaque</c> for a no-cors request.</summary>
    public string? Type { get; set; }

    public string? Body { get; set; }

    public Dictionary<string, string?>? Headers { get; set; }

    public string? Error { get; set; }

    /// <summary>True when fetch() rejected with a TypeError: the browser's CORS (or network) failure.</summary>
    public bool FailedWithTypeError => !Ok && Error == "TypeError";
}

/// <summary>
/// A page in a tab of its own, in any of the three engines: scripts are written once, as
/// JavaScript functions called with JSON arguments, and their JSON results come back typed.
/// </summary>
public sealed class BrowserPage(IBrowserTab tab) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string FetchFunction = """
        async (url, init, readHeaders) => {
          try {
            const response = await fetch(url, init);
            const body = await response.text();
            const headers = {};
            for (const name of readHeaders) headers[name] = response.headers.get(name);
            return { ok: true, status: response.status, type: response.type, body, headers, error: null };
          } catch (e) {
            return { ok: false, status: 0, type: null, body: null, headers: null, error: e.name };
          }
        }
        """;

    /// <summary>
    /// Builds an HTML form and submits it as a top-level navigation, after the script has
    /// returned (the page then goes away).
    /// </summary>
    private const string SubmitFormFunction = """
        (url, enctype, fields) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = url;
          form.enctype = enctype;
          for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.appendChild(input);
          }
          document.body.appendChild(form);
          setTimeout(() => form.submit(), 0);
          return null;
        }
        """;

    /// <summary>
    /// Calls fetch(url, init) in the page. <paramref name="init"/> holds only what the caller sets:
    /// method, mode, headers, body, credentials.
    /// </summary>
    public Task<FetchResult> FetchAsync(string url, Dictionary<string, object>? init = null, params string[] readHeaders) =>
        CallAsync<FetchResult>(FetchFunction, url, init ?? [], readHeaders);

    /// <summary>Submits a real HTML form (<c>method="post"</c>) from the page: the browser navigates away to its answer.</summary>
    public Task SubmitFormAsync(string url, string enctype, Dictionary<string, string> fields) =>
        CallAsync<JsonElement>(SubmitFormFunction, url, enctype, fields);

    /// <summary>
    /// Calls a JavaScript function (sync or async) in the page with <paramref name="arguments"/>
    /// as JSON, and returns its value, which must be JSON-serializable.
    /// </summary>
    public async Task<T> CallAsync<T>(string function, params object?[] arguments)
    {
        var expression = $"(async () => JSON.stringify((await ({function})(...{JsonSerializer.Serialize(arguments, Json)})) ?? null))()";
        return JsonSerializer.Deserialize<T>(await tab.EvaluateAsync(expression), Json)!;
    }

    public ValueTask DisposeAsync() => tab.DisposeAsync();
}
