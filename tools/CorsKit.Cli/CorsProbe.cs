using System.Net.Http.Headers;
using CorsKit.Fetch;

namespace CorsKit.Cli;

/// <summary>A cross-origin request as a page would make it (a string body already has its Content-Type header).</summary>
internal sealed record ProbeRequest(
    Uri Url, string Origin, string Method, IReadOnlyList<(string Name, string Value)> Headers, bool Credentials, IReadOnlyList<string> Cookies, string? Body);

/// <summary>How a probe ended.</summary>
internal enum ProbeOutcome
{
    /// <summary>A page could read the response.</summary>
    Readable,

    /// <summary>The browser blocks the response (or never sends the request).</summary>
    Blocked,

    /// <summary>The server did not answer completely within the timeout: no verdict.</summary>
    TimedOut,
}

/// <summary>
/// Plays the browser: sends the preflight when the Fetch standard requires one, then the actual
/// request, judges each response with the standard's checks and prints every step. Works against
/// any server, and treats it as hostile: each answer, body included, must come within
/// <paramref name="timeout"/>; a body is read only when something of it is printed (a problem
/// details' detail and fix), and then at most <see cref="ProblemBodyLimit"/> bytes; everything is
/// printed through <paramref name="output"/>, which the caller makes a <see cref="TerminalSafeWriter"/>.
/// </summary>
internal sealed class CorsProbe(HttpClient http, TextWriter output, TimeSpan timeout)
{
    /// <summary>The most of an <c>application/problem+json</c> body the probe reads; a longer one is not read further.</summary>
    public const int ProblemBodyLimit = 64 * 1024;

    public async Task<ProbeOutcome> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        output.WriteLine($"Probing {request.Method} {request.Url} from a page on {request.Origin} (credentials: {(request.Credentials ? "include" : "omit")})");
        if (LocalNetwork.IsLocal(request.Url.Host) && !LocalNetwork.IsLocal(new Uri(request.Origin == "null" ? "http://null.invalid" : request.Origin).Host))
        {
            output.WriteLine("NOTE the target is a loopback or private address and the page is not: Chrome 142 and later ask the user for Local Network Access permission "
                + "before such a request leaves the browser (no response header grants it; Access-Control-Allow-Private-Network is legacy). This probe cannot show the prompt: "
                + "a verdict below assumes the user allowed it.");
        }
        var unsafeNames = FetchRules.UnsafeHeaderNames(request.Headers);
        var reasons = new List<string>();
        if (!HttpMethodRules.IsCorsSafelisted(request.Method))
        {
            reasons.Add($"the method {request.Method} is not CORS-safelisted");
        }

        if (unsafeNames.Count > 0)
        {
            reasons.Add($"these request headers are not CORS-safelisted: {string.Join(", ", unsafeNames)}");
        }

        if (reasons.Count > 0)
        {
            output.WriteLine($"1. Preflight: needed because {string.Join(" and ", reasons)}.");
            var passed = await WithinTimeoutAsync(deadline => PreflightAsync(request, unsafeNames, deadline), cancellationToken);
            if (passed is null)
            {
                return TimedOut("the preflight");
            }

            if (passed is false)
            {
                output.WriteLine("Result: BLOCKED. The preflight failed, so the browser does not send the request at all.");
                return ProbeOutcome.Blocked;
            }
        }
        else
        {
            output.WriteLine("1. Preflight: not needed (a simple request: safelisted method and headers). The browser sends the request directly.");
        }

        return await WithinTimeoutAsync(deadline => ActualAsync(request, deadline), cancellationToken) switch
        {
            null => TimedOut("the request"),
            true => ProbeOutcome.Readable,
            false => ProbeOutcome.Blocked,
        };
    }

    /// <summary>Runs one exchange (send, judge, read what is printed) under the timeout; null when it elapsed.</summary>
    private async Task<bool?> WithinTimeoutAsync(Func<CancellationToken, Task<bool>> exchange, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await exchange(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private ProbeOutcome TimedOut(string step)
    {
        var seconds = timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"Result: TIMED OUT. The server did not answer {step} completely within {seconds} s (--timeout {seconds}). No verdict: a browser would still be waiting.");
        return ProbeOutcome.TimedOut;
    }

    private async Task<bool> PreflightAsync(ProbeRequest request, List<string> unsafeNames, CancellationToken cancellationToken)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, request.Url);
        preflight.Headers.TryAddWithoutValidation("Origin", request.Origin);
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", request.Method);
        if (unsafeNames.Count > 0)
        {
            preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", string.Join(',', unsafeNames));
        }

        Print("   ->", preflight);
        using var response = await http.SendAsync(preflight, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Print("   <-", response);

        var checks = new Checks(output);
        var status = (int)response.StatusCode;
        checks.Expect(status is >= 200 and <= 299, $"status {status} is ok (2xx)", $"status {status} is not ok: a preflight needs a 2xx answer");
        var corsFailure = FetchRules.CorsCheck(Values(response, "Access-Control-Allow-Origin"), Values(response, "Access-Control-Allow-Credentials"), request.Origin, request.Credentials);
        checks.Expect(corsFailure is null, "Access-Control-Allow-Origin and -Credentials allow this origin", corsFailure!);

        // A browser rejects the whole preflight when either list is malformed, before judging any item.
        if (!FetchRules.TryTokenList(Values(response, "Access-Control-Allow-Methods"), out var methods))
        {
            checks.Fail("Access-Control-Allow-Methods is not a comma-separated list of methods, so the browser rejects the whole preflight");
            methods = [];
        }

        if (!FetchRules.TryTokenList(Values(response, "Access-Control-Allow-Headers"), out var headerNames))
        {
            checks.Fail("Access-Control-Allow-Headers is not a comma-separated list of header names, so the browser rejects the whole preflight");
            headerNames = [];
        }

        var methodsText = methods.Count == 0 ? "absent" : string.Join(", ", methods);
        var headersText = headerNames.Count == 0 ? "absent" : string.Join(", ", headerNames);
        if (!HttpMethodRules.IsCorsSafelisted(request.Method))
        {
            var methodAllowed = methods.Contains(request.Method, StringComparer.Ordinal) || (!request.Credentials && methods.Contains("*"));
            checks.Expect(methodAllowed, $"method {request.Method} is allowed by Access-Control-Allow-Methods ({methodsText})",
                $"method {request.Method} is not allowed by Access-Control-Allow-Methods ({methodsText}); methods compare case-sensitively{(request.Credentials && methods.Contains("*") ? ", and '*' is a literal with credentials" : string.Empty)}");
        }

        foreach (var name in unsafeNames)
        {
            var listed = headerNames.Contains(name, StringComparer.OrdinalIgnoreCase);
            var wildcard = !request.Credentials && headerNames.Contains("*") && name != "authorization";
            var note = name == "authorization" && headerNames.Contains("*") ? "; '*' never covers Authorization in the Fetch standard (Chromium, Firefox and WebKit were all seen accepting it anyway)" : string.Empty;
            checks.Expect(listed || wildcard, $"request header {name} is allowed by Access-Control-Allow-Headers ({headersText})",
                $"request header {name} is not allowed by Access-Control-Allow-Headers ({headersText}){note}");
        }

        await PrintExplanationAsync(response, cancellationToken);
        if (checks.AllPassed)
        {
            var maxAge = Values(response, "Access-Control-Max-Age");
            output.WriteLine(maxAge.Count == 1 && int.TryParse(maxAge[0], out var seconds)
                ? $"   note: the browser may reuse this answer for {seconds} s (capped at 7200 s by Chromium, 600 s by Safari)"
                : "   note: no Access-Control-Max-Age: browsers reuse the answer for 5 s");
        }

        return checks.AllPassed;
    }

    private async Task<bool> ActualAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        using var actual = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        actual.Headers.TryAddWithoutValidation("Origin", request.Origin);
        if (request.Body is not null)
        {
            actual.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(request.Body));
        }

        foreach (var (name, value) in request.Headers)
        {
            // HttpClient keeps content headers (Content-*, Expires, Allow, Last-Modified) on the content.
            if (!actual.Headers.TryAddWithoutValidation(name, value))
            {
                actual.Content ??= new ByteArrayContent([]);
                actual.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.Cookies.Count > 0)
        {
            actual.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", request.Cookies));
        }

        output.WriteLine("2. The request:");
        Print("   ->", actual);
        using var response = await http.SendAsync(actual, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Print("   <-", response);

        var checks = new Checks(output);
        var allowOrigin = Values(response, "Access-Control-Allow-Origin");
        var corsFailure = FetchRules.CorsCheck(allowOrigin, Values(response, "Access-Control-Allow-Credentials"), request.Origin, request.Credentials);
        checks.Expect(corsFailure is null, "Access-Control-Allow-Origin and -Credentials let the page read the response", corsFailure!);

        var vary = FetchRules.ListValues(Values(response, "Vary"));
        if (allowOrigin.Count == 1 && allowOrigin[0] != "*" && !vary.Any(v => v == "*" || v.Equals("Origin", StringComparison.OrdinalIgnoreCase)))
        {
            output.WriteLine("   WARN the answer depends on Origin but Vary does not say so: a shared cache may serve it to another origin.");
        }

        if (!checks.AllPassed)
        {
            await PrintExplanationAsync(response, cancellationToken);
            output.WriteLine(HttpMethodRules.IsCorsSafelisted(request.Method)
                ? $"Result: BLOCKED. The server answered {(int)response.StatusCode}, but the browser hides the response from the page."
                : $"Result: BLOCKED. The server answered {(int)response.StatusCode} (the request reached it: CORS only hides the response).");
            return false;
        }

        if (!FetchRules.TryTokenList(Values(response, "Access-Control-Expose-Headers"), out var exposed))
        {
            output.WriteLine("   WARN Access-Control-Expose-Headers is not a comma-separated list of header names: the browser exposes none of them.");
            exposed = [];
        }

        output.WriteLine($"Result: READABLE. The page can read the status ({(int)response.StatusCode}), the body and the safelisted response headers"
            + (exposed.Count == 0 ? "." : $", plus {string.Join(", ", exposed)}."));
        return true;
    }

    /// <summary>
    /// Prints the detail and fix of a problem-details answer (CorsKit sends one in Development),
    /// reading at most <see cref="ProblemBodyLimit"/> bytes of it. No other body is ever read.
    /// </summary>
    private async Task PrintExplanationAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return;
        }

        var body = await ReadAtMostAsync(response.Content, ProblemBodyLimit, cancellationToken);
        if (body is null)
        {
            output.WriteLine($"   the server's application/problem+json body is longer than {ProblemBodyLimit / 1024} KiB: not read further");
            return;
        }

        try
        {
            using var problem = System.Text.Json.JsonDocument.Parse(body.Value);
            foreach (var field in new[] { "detail", "fix" })
            {
                if (problem.RootElement.TryGetProperty(field, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    output.WriteLine($"   server says ({field}): {value.GetString()}");
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            output.WriteLine("   the server sent application/problem+json that is not valid JSON");
        }
    }

    /// <summary>The body when it has at most <paramref name="limit"/> bytes, else null (and no more than <paramref name="limit"/> + 1 bytes are read).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        // Not a conditional expression: null would convert to an empty Memory<byte> (through byte[]).
        if (length > limit)
        {
            return null;
        }

        return buffer.AsMemory(0, length);
    }

    private static List<string> Values(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.ToList() : [];

    // Headers are printed as they are sent and received (NonValidated): enumerating the validated
    // view would parse them, and HttpClient would then send the parsed form (text/plain; charset=UTF-8).
    private void Print(string arrow, HttpRequestMessage request)
    {
        output.WriteLine($"{arrow} {request.Method} {request.RequestUri}");
        foreach (var header in request.Headers.NonValidated.Concat(request.Content?.Headers.NonValidated ?? Enumerable.Empty<KeyValuePair<string, HeaderStringValues>>()))
        {
            output.WriteLine($"        {header.Key}: {string.Join(", ", header.Value)}");
        }
    }

    private void Print(string arrow, HttpResponseMessage response)
    {
        output.WriteLine($"{arrow} {(int)response.StatusCode} {response.ReasonPhrase}");
        foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Vary", StringComparison.OrdinalIgnoreCase)))
        {
            output.WriteLine($"        {header.Key}: {string.Join(", ", header.Value)}");
        }
    }

    /// <summary>Prints each check as it is made and remembers whether all passed.</summary>
    private sealed class Checks(TextWriter output)
    {
        public bool AllPassed { get; private set; } = true;

        public void Expect(bool passed, string pass, string fail)
        {
            output.WriteLine(passed ? $"   PASS {pass}" : $"   FAIL {fail}");
            AllPassed &= passed;
        }

        public void Fail(string fail) => Expect(false, string.Empty, fail);
    }
}

/// <summary>
/// Creates the probe's HTTP client: no redirects followed, no cookie jar, as a single fetch() sees
/// it. Bounded against the server: at most 64 KiB of response headers, no body buffered (the probe
/// reads what it prints itself, capped), and an unread body is never drained, the connection is
/// closed instead. The probe's own timeout replaces the client's.
/// </summary>
internal static class ProbeHttp
{
    public static HttpClient Create(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
            MaxResponseDrainSize = 0,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = CorsProbe.ProblemBodyLimit,
        };
}
