using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// Three real instance processes (tests/CorsKit.FleetApp) behind Debian's nginx, which
/// terminates TLS for <c>https://api.fleet.test:port</c> and load-balances them (every connection
/// to 127.0.0.1). The instances run <c>UseForwardedHeaders()</c> as README says, trusting
/// nginx's loopback address; they leave <c>AllowedHosts</c> open, so that what keeps forged
/// forwarded headers out is nginx alone. The tests compare what comes back through nginx with
/// what an instance answers directly.
/// </summary>
[Collection(Fleet.Collection)]
public sealed class ReverseProxyTests(ITestOutputHelper output)
{
    private const string Policy = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
          "Origins": [ "https://app.example.com" ],
          "Methods": [ "PUT", "DELETE" ],
          "Headers": [ "Content-Type", "X-Trace" ],
          "ExposedHeaders": [ "X-Request-Id" ],
          "AllowCredentials": true,
          "MaxAgeSeconds": 600
        } } } }
        """;

    private const string Allowed = "https://app.example.com";
    private const string Evil = "https://evil.example";

    /// <summary>Requests whose CORS answers must come back through nginx exactly as CorsKit gave them.</summary>
    private static readonly string[] Exchanges =
    [
        "allowed preflight",
        "preflight with a header the policy refuses",
        "preflight from a disallowed origin",
        "allowed GET",
        "GET from a disallowed origin",
        "GET without Origin",
        "cross-origin POST the guard blocks",
    ];

    private static readonly (string Name, string Value)[] NoHeaders = [];

    [NginxFact]
    public async Task Nginx_forwards_Origin_and_the_preflight_headers_and_returns_CorsKit_answers_unchanged()
    {
        await using var setup = await ProxiedFleet.StartAsync(Policy);
        using var proxied = setup.Nginx.Client();
        using var direct = Fleet.DirectClient();

        var instancesSeen = new HashSet<string>();
        foreach (var exchange in Exchanges)
        {
            var throughNginx = await CorsAnswer.SendAsync(proxied, Build(exchange, setup.Nginx.BaseAddress));
            var fromInstance = await CorsAnswer.SendAsync(direct, WithPublicHost(Build(exchange, setup.Fleet.Instances[0].BaseAddress), setup.Nginx));
            output.WriteLine($"{exchange}:{Environment.NewLine}  through nginx: {throughNginx}{Environment.NewLine}  directly:      {fromInstance}");
            instancesSeen.Add(throughNginx.Instance ?? "(none)");

            throughNginx.SameAs(fromInstance).Should().BeTrue($"nginx returns CorsKit's answer to '{exchange}' unchanged: got {throughNginx}, CorsKit gave {fromInstance}");
            throughNginx.Headers.Select(h => h.Name.ToLowerInvariant()).Should().OnlyHaveUniqueItems("no header line is duplicated ({0})", exchange);
        }

        // What CorsKit could only answer if the request headers reached it, and the headers' full set.
        var preflight = await CorsAnswer.SendAsync(proxied, Build("allowed preflight", setup.Nginx.BaseAddress));
        preflight.HasExactly(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Access-Control-Allow-Origin"] = Allowed,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PUT, DELETE",
            ["Access-Control-Allow-Headers"] = "Content-Type, X-Trace",
            ["Access-Control-Max-Age"] = "600",
            ["Vary"] = FleetPolicies.PreflightVary,
        }).Should().BeTrue($"the whole preflight answer comes back: {preflight}");
        preflight.Status.Should().Be(204);
        var refused = await CorsAnswer.SendAsync(proxied, Build("preflight with a header the policy refuses", setup.Nginx.BaseAddress));
        refused.Status.Should().Be(403, "Access-Control-Request-Headers reaches CorsKit, which refuses x-other");
        refused.HasExactly(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Vary"] = FleetPolicies.PreflightVary })
            .Should().BeTrue(refused.ToString());

        for (var i = 0; i < 6; i++)
        {
            instancesSeen.Add((await CorsAnswer.SendAsync(proxied, Build("allowed GET", setup.Nginx.BaseAddress))).Instance ?? "(none)");
        }

        instancesSeen.Should().BeEquivalentTo(new[] { "a", "b", "c" }, "nginx balances the requests over the three instances");
    }

    [NginxFact]
    public async Task A_same_origin_POST_to_the_public_https_origin_passes_the_guard_behind_nginx_although_Kestrel_sees_http()
    {
        await using var setup = await ProxiedFleet.StartAsync(Policy);
        using var proxied = setup.Nginx.Client();
        using var direct = Fleet.DirectClient();

        using var throughNginx = await proxied.SendAsync(Post(setup.Nginx.BaseAddress, setup.Nginx.PublicOrigin));
        var seen = await Seen(throughNginx);
        output.WriteLine($"through nginx: {(int)throughNginx.StatusCode}, the endpoint saw {seen}");
        throughNginx.StatusCode.Should().Be(HttpStatusCode.OK, "Origin {0} is the request's own origin once the forwarded headers are applied", setup.Nginx.PublicOrigin);
        seen.GetProperty("scheme").GetString().Should().Be("https");
        seen.GetProperty("host").GetString().Should().Be($"{NginxProcess.HostName}:{setup.Nginx.Port}");
        seen.GetProperty("remoteIp").GetString().Should().Be("127.0.0.1");

        // The same request straight to an instance: Kestrel sees http, so https://api.fleet.test:port is another origin.
        using var plain = await direct.SendAsync(WithPublicHost(Post(setup.Fleet.Instances[0].BaseAddress, setup.Nginx.PublicOrigin), setup.Nginx));
        output.WriteLine($"directly, without forwarded headers: {(int)plain.StatusCode}");
        plain.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [NginxFact]
    public async Task Forwarded_headers_a_client_sends_cannot_make_a_cross_origin_POST_look_same_origin_through_nginx()
    {
        await using var setup = await ProxiedFleet.StartAsync(Policy);
        using var proxied = setup.Nginx.Client();
        using var direct = Fleet.DirectClient();
        var publicHost = $"{NginxProcess.HostName}:{setup.Nginx.Port}";
        var forgeries = new (string Origin, (string, string)[] Headers)[]
        {
            (Evil, [("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https")]),
            ($"http://{publicHost}", [("X-Forwarded-Proto", "http")]),
            (Evil, [("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https, https")]),
            (Evil, [("Forwarded", "host=evil.example;proto=https"), ("X-Forwarded-Host", "evil.example")]),
        };

        foreach (var (origin, headers) in forgeries)
        {
            var description = $"Origin {origin} with {string.Join(", ", headers.Select(h => $"{h.Item1}: {h.Item2}"))}";
            using var response = await proxied.SendAsync(Post(setup.Nginx.BaseAddress, origin, headers));
            var answer = CorsAnswer.From(response);
            output.WriteLine($"through nginx, {description}: {answer}");
            answer.Status.Should().Be(403, "nginx replaces the client's forwarded headers, so {0} stays cross-origin", description);
            answer.HasExactly(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Vary"] = "Origin" }).Should().BeTrue(answer.ToString());
        }

        // Another name never reaches the instances: nginx answers only for its own. A browser sends that name as
        // TLS server name too (HttpClient does the same) and gets no handshake; with the API's server name, 421.
        using var otherName = Post(setup.Nginx.BaseAddress, Evil);
        otherName.Headers.Host = "evil.example";
        var handshake = async () => await proxied.SendAsync(otherName);
        (await handshake.Should().ThrowAsync<HttpRequestException>()).Which.InnerException.Should().BeOfType<System.Security.Authentication.AuthenticationException>();
        var status = await setup.Nginx.SendRawAsync(
            $"POST /api/items HTTP/1.1\r\nHost: evil.example\r\nOrigin: {Evil}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
        output.WriteLine($"through nginx, Host: evil.example and Origin {Evil}: TLS refused with that server name, {status} with the API's");
        status.Should().Be(421);

        // Why the proxy must be the only way in: an instance trusts whatever its known proxy (loopback) forwards,
        // so the first forgery sent to it directly from 127.0.0.1 passes the guard.
        using var bypass = await direct.SendAsync(WithPublicHost(
            Post(setup.Fleet.Instances[0].BaseAddress, Evil, forgeries[0].Headers), setup.Nginx));
        output.WriteLine($"directly to an instance, the first forgery: {(int)bypass.StatusCode}");
        bypass.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static HttpRequestMessage Build(string exchange, Uri baseAddress)
    {
        var (method, origin, headers) = exchange switch
        {
            "allowed preflight" => (HttpMethod.Options, Allowed, new[] { ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,x-trace") }),
            "preflight with a header the policy refuses" => (HttpMethod.Options, Allowed, new[] { ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-other") }),
            "preflight from a disallowed origin" => (HttpMethod.Options, Evil, new[] { ("Access-Control-Request-Method", "PUT") }),
            "allowed GET" => (HttpMethod.Get, Allowed, NoHeaders),
            "GET from a disallowed origin" => (HttpMethod.Get, Evil, NoHeaders),
            "GET without Origin" => (HttpMethod.Get, (string?)null, NoHeaders),
            "cross-origin POST the guard blocks" => (HttpMethod.Post, Evil, NoHeaders),
            _ => throw new ArgumentOutOfRangeException(nameof(exchange), exchange, "not a known exchange"),
        };
        var request = new HttpRequestMessage(method, new Uri(baseAddress, method == HttpMethod.Post ? "/api/items" : "/api/data"));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain");
        }

        return request;
    }

    /// <summary>A simple POST (text/plain, no Fetch Metadata) to /api/items from <paramref name="origin"/>.</summary>
    private static HttpRequestMessage Post(Uri baseAddress, string origin, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/api/items"))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", origin);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Sends a request meant for the public origin straight to an instance: the public Host, plain http.</summary>
    private static HttpRequestMessage WithPublicHost(HttpRequestMessage request, NginxProcess nginx)
    {
        request.Headers.Host = $"{NginxProcess.HostName}:{nginx.Port}";
        return request;
    }

    private static async Task<JsonElement> Seen(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Three instances on one ConfigMap behind one nginx; disposing stops nginx, then the instances.</summary>
    private sealed class ProxiedFleet : IAsyncDisposable
    {
        private readonly ConfigMapDirectory _configMap;

        private ProxiedFleet(ConfigMapDirectory configMap, Fleet fleet, NginxProcess nginx)
        {
            _configMap = configMap;
            Fleet = fleet;
            Nginx = nginx;
        }

        public Fleet Fleet { get; }

        public NginxProcess Nginx { get; }

        public static async Task<ProxiedFleet> StartAsync(string policy)
        {
            var configMap = new ConfigMapDirectory(policy);
            Fleet? fleet = null;
            try
            {
                fleet = await Fleet.StartAsync(3, configMap.Path, Stopwatch.StartNew());
                var nginx = await NginxProcess.StartAsync(fleet.Instances.Select(i => i.Port));
                return new ProxiedFleet(configMap, fleet, nginx);
            }
            catch
            {
                if (fleet is not null)
                {
                    await fleet.DisposeAsync();
                }

                configMap.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Nginx.DisposeAsync();
            }
            finally
            {
                try
                {
                    await Fleet.DisposeAsync();
                }
                finally
                {
                    _configMap.Dispose();
                }
            }
        }
    }
}
