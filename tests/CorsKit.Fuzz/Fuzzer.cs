using CorsKit.Engine;
using CorsKit.Origins;
using CorsKit.Policies;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.Fuzz;

/// <summary>Runs mutated inputs through the parser, the matcher, the preflight checks, the whole decision and the middleware.</summary>
internal sealed class Fuzzer
{
    private static readonly string[] Exact = ["https://example.com", "http://localhost:3000", "http://[::1]:3000", "chrome-extension://abcdefghijklmnopabcdefghijklmnop"];
    private static readonly (string Scheme, string Domain, int Port)[] Patterns = [("https", "example.com", -1), ("http", "localhost", 5173)];
    private static readonly string[] ListedHeaders = ["Content-Type", "X-Requested-With"];
    private static readonly string[] ListedMethods = ["PUT", "DELETE", "patch"];

    private readonly Random _random;
    private readonly OriginMatcher _listed;
    private readonly OriginMatcher _any;
    private readonly NameSet _headers;
    private readonly NameSet _headersWithWildcard;
    private readonly CompiledPolicy _methodsPolicy;
    private readonly CompiledPolicy _wildcardMethodsPolicy;
    private readonly CompiledPolicy _guarded;
    private readonly RequestDelegate _app;
    private readonly ReusableHttpContext _http;
    private readonly List<string> _findings = [];

    public Fuzzer(int seed)
    {
        _random = new Random(seed);
        var patterns = Patterns.Select(p => OriginPattern.TryParse($"{p.Scheme}://*.{p.Domain}{(p.Port < 0 ? "" : $":{p.Port}")}", out var parsed) ? parsed! : throw new InvalidOperationException()).ToArray();
        _listed = new OriginMatcher(Exact, patterns, allowsAnyOrigin: false);
        _any = new OriginMatcher([], [], allowsAnyOrigin: true);
        _headers = new NameSet(ListedHeaders, containsWildcard: false, StringComparer.OrdinalIgnoreCase);
        _headersWithWildcard = new NameSet(ListedHeaders, containsWildcard: true, StringComparer.OrdinalIgnoreCase);
        _methodsPolicy = Policy(wildcard: false);
        _wildcardMethodsPolicy = Policy(wildcard: true);
        _guarded = new CompiledPolicy(
            "guarded", _listed, NameSet.Empty, NameSet.Empty, [], allowCredentials: true, maxAgeSeconds: null, allowPrivateNetwork: false, allowInsecureOrigins: false);

        var services = new ServiceCollection().AddLogging().AddStrictCors(o => o.AddDefaultPolicy("web", p => p
            .WithOrigins([.. Exact, .. Patterns.Select(x => $"{x.Scheme}://*.{x.Domain}{(x.Port < 0 ? "" : $":{x.Port}")}")])
            .WithMethods(ListedMethods).WithHeaders(ListedHeaders).AllowCredentials())).BuildServiceProvider();
        var builder = new ApplicationBuilder(services);
        builder.UseStrictCors();
        builder.Run(context => { context.Response.Headers["X-Endpoint-Ran"] = "1"; return Task.CompletedTask; });
        _app = builder.Build();
        _http = new ReusableHttpContext(services, HeaderStore.Kestrel);
    }

    /// <summary>Inputs judged per target.</summary>
    public Dictionary<string, long> Counts { get; } = [];

    public IReadOnlyList<string> Run(int iterations, int maxFindings)
    {
        for (var i = 0; i < iterations && _findings.Count < maxFindings; i++)
        {
            try
            {
                switch (i % 5)
                {
                    case 0: Origin(); break;
                    case 1: RequestHeaders(); break;
                    case 2: RequestMethod(); break;
                    case 3: Decision(); break;
                    default: ThroughTheMiddleware(); break;
                }
            }
            catch (Exception exception)
            {
                _findings.Add($"iteration {i}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        return _findings;
    }

    private void Origin()
    {
        var origin = MutatedOrigin();
        Check("origin: canonical", OriginParser.TryParse(origin, out _), ReferenceModel.IsCanonicalOrigin(origin), origin);
        Check("origin: listed or pattern", _listed.Match(origin) == OriginVerdict.Allowed, ReferenceModel.Allows(Exact, Patterns, false, 512, origin), origin);
        Check("origin: any", _any.Match(origin) == OriginVerdict.Allowed, ReferenceModel.Allows([], [], true, 512, origin), origin);
    }

    private void RequestHeaders()
    {
        var value = Mutate(HostileInputs.HeaderLists);
        Check("headers", RequestHeaderList.AreAllowed(_headers, value, out _), ReferenceModel.RequestHeadersAllowed([value], ListedHeaders, false), value);
        Check("headers with *", RequestHeaderList.AreAllowed(_headersWithWildcard, value, out _), ReferenceModel.RequestHeadersAllowed([value], ListedHeaders, true), value);
    }

    private void RequestMethod()
    {
        var method = Mutate(HostileInputs.Methods);
        var request = new PreflightRequest("https://example.com", method, default, default);
        Check("method", CorsEngine.EvaluatePreflight(_methodsPolicy, request).IsAllowed, ReferenceModel.MethodAllowed(method, ListedMethods, false), method);
        Check("method with *", CorsEngine.EvaluatePreflight(_wildcardMethodsPolicy, request).IsAllowed, ReferenceModel.MethodAllowed(method, ListedMethods, true), method);
    }

    /// <summary>
    /// The engine's whole decision on a request that is not a preflight, with a mutated Origin,
    /// method, Fetch Metadata and content type, against the reference model's CSRF guard: whether
    /// it is blocked, and whether it passes only for an authentication callback's handler.
    /// </summary>
    private void Decision()
    {
        var origin = _random.Next(4) == 0 ? null : MutatedOrigin();
        var method = Mutate(HostileInputs.Methods);
        string? site = _random.Next(3) == 0 ? null : Mutate(["same-origin", "none", "same-site", "cross-site"]);
        string? contentType = _random.Next(3) == 0 ? null : Mutate(["text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]);
        var cookies = _random.Next(2) == 0;
        var upgrade = _random.Next(8) == 0;
        string[]? endpointMethods = _random.Next(3) switch { 0 => null, 1 => ["GET"], _ => ["POST", "PUT"] };
        var formPosts = _random.Next(3);
        var facts = new RequestFacts(
            method, contentType is not null, endpointMethods, origin is null ? default : origin, site is null ? default : site, "https", "example.com",
            contentType is null ? default : contentType, cookies, upgrade, (FormPostExemption)formPosts);

        var decision = CorsEngine.Decide(_guarded, ref facts);

        var allowed = origin is not null && ReferenceModel.Allows(Exact, Patterns, false, 512, origin);
        var (blocked, callbackOnly) = ReferenceModel.Guard(
            guardOn: true, allowed, allowCredentials: true, method, origin, site, contentType, cookies, upgrade, endpointMethods,
            formPosts switch { 1 => "endpoint", 2 => "callback", _ => "none" }, "https", "example.com");
        var input = $"{method} Origin={origin ?? "-"} Sec-Fetch-Site={site ?? "-"} Content-Type={contentType ?? "-"} cookies={cookies} upgrade={upgrade}";
        Check("decision: not blocked", decision.Result != CorsResult.Blocked, !blocked, input);
        Check("decision: callback only", decision.RunsOnlyAsCallback, callbackOnly, input);
    }

    /// <summary>
    /// A request with a mutated Origin (and a mutated preflight): the middleware must never throw,
    /// must send Access-Control-Allow-Origin only to an allowed origin, answer preflights 204 or
    /// 403, and never let an unsafe request from a disallowed origin reach the endpoint.
    /// </summary>
    private void ThroughTheMiddleware()
    {
        var origin = MutatedOrigin();
        var allowed = ReferenceModel.Allows(Exact, Patterns, false, 512, origin);
        var kind = _random.Next(3);
        (string, string)[] headers = kind == 0
            ? [("Origin", origin), ("Access-Control-Request-Method", Mutate(HostileInputs.Methods)), ("Access-Control-Request-Headers", Mutate(HostileInputs.HeaderLists))]
            : [("Origin", origin), ("Sec-Fetch-Site", "cross-site")];
        _http.WithRequest(kind switch { 0 => "OPTIONS", 1 => "GET", _ => "POST" }, headers);
        _http.Send(_app);

        var response = _http.ResponseHeaders;
        var allowOrigin = response.AccessControlAllowOrigin;
        var endpointRan = response.ContainsKey("X-Endpoint-Ran");
        Count("middleware");
        if (allowOrigin.Count > 0 && (!allowed || allowOrigin != origin))
        {
            _findings.Add($"middleware: Access-Control-Allow-Origin '{Escape(allowOrigin.ToString())}' sent to origin '{Escape(origin)}'");
        }

        if (kind == 0 && (_http.StatusCode is not (204 or 403) || endpointRan))
        {
            _findings.Add($"middleware: preflight answered {_http.StatusCode} (endpoint ran: {endpointRan}) for origin '{Escape(origin)}'");
        }

        if (kind == 2 && !allowed && (endpointRan || _http.StatusCode != 403))
        {
            _findings.Add($"middleware: cross-origin POST from disallowed origin '{Escape(origin)}' answered {_http.StatusCode}, endpoint ran: {endpointRan}");
        }
    }

    private string MutatedOrigin()
    {
        var seed = _random.Next(4) == 0
            ? $"https://{Label()}.{Label()}.example.com"
            : HostileInputs.Origins[_random.Next(HostileInputs.Origins.Length)];
        return _random.Next(5) == 0 ? seed : HostileInputs.Mutate(seed, _random);
    }

    private string Mutate(string[] corpus)
    {
        var text = corpus[_random.Next(corpus.Length)];
        return _random.Next(5) == 0 ? text : HostileInputs.Mutate(text, _random);
    }

    private string Label() => new(Enumerable.Range(0, _random.Next(1, 6)).Select(_ => "abcxyz019-"[_random.Next(10)]).ToArray());

    private void Check(string target, bool actual, bool expected, string input)
    {
        Count(target + (actual ? " (allowed)" : " (denied)"));
        if (actual != expected)
        {
            _findings.Add($"{target}: CorsKit says {(actual ? "allowed" : "denied")}, the reference model {(expected ? "allowed" : "denied")}, for '{Escape(input)}'");
        }
    }

    private void Count(string target) => Counts[target] = Counts.GetValueOrDefault(target) + 1;

    private static CompiledPolicy Policy(bool wildcard) => new(
        "fuzz", new OriginMatcher(["https://example.com"], [], false), new NameSet(ListedMethods, wildcard, StringComparer.Ordinal),
        NameSet.Empty, [], allowCredentials: false, maxAgeSeconds: null, allowPrivateNetwork: false, allowInsecureOrigins: false);

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
