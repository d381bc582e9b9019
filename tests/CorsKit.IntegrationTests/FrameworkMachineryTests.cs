using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CorsKit.Testing;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.IntegrationTests;

/// <summary>
/// What the framework's own machinery does around CorsKit: routing's idea of a preflight, error
/// handlers that run the pipeline again, and WebSocket handshakes on HTTP/1.1 and HTTP/2.
/// </summary>
public sealed class FrameworkMachineryTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": {
            "a": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ], "AllowCredentials": true },
            "anonymous": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ] },
            "public": { "Origins": [ "*" ] } } } }
        """;

    [Theory]
    [InlineData("options", "https://a.example", "a", HttpStatusCode.NoContent)]
    [InlineData("Options", "https://evil.example", "a", HttpStatusCode.Forbidden)]
    [InlineData("options", "https://a.example", "anonymous", HttpStatusCode.NoContent)]
    public async Task A_preflight_in_any_case_is_answered_and_never_runs_the_endpoint_routing_selected(string method, string origin, string policy, HttpStatusCode expected)
    {
        var runs = 0;
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStrictCors();
        app.MapPut("/items", () => runs++).RequireStrictCors(policy);
        await app.StartAsync();
        var request = Request(new HttpMethod(method), "/items", ("Origin", origin), ("Access-Control-Request-Method", "PUT"));

        var response = await app.GetTestClient().SendAsync(request);

        runs.Should().Be(0, $"routing selected the PUT endpoint for '{method}' with Access-Control-Request-Method, so it must be answered as a preflight");
        response.StatusCode.Should().Be(expected);
        VaryTokens(response).Should().Equal(PreflightVary);
    }

    [Fact]
    public async Task A_request_an_exception_handler_runs_again_keeps_its_first_decision_and_stays_readable()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseExceptionHandler("/error");
        app.UseStrictCors();
        app.Map("/error", (HttpContext c) => Results.Problem("failed", statusCode: 500)).DisableStrictCors();
        app.MapPost("/orders", string () => throw new InvalidOperationException("boom"));
        await app.StartAsync();
        using var requests = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");

        var response = await app.GetTestClient().SendAsync(
            Request(HttpMethod.Post, "/orders", ("Origin", "https://a.example")).WithBody("{}", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "the endpoint ran and failed; a 403 would tell the client it never ran");
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
        VaryTokens(response).Should().Contain("Origin");
        requests.GetMeasurementSnapshot().Should().ContainSingle("a re-executed request is counted once")
            .Which.Tags["cors.result"].Should().Be("allowed");
        app.Services.GetFakeLogCollector().GetSnapshot().Should().NotContain(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked, "nothing was blocked");
    }

    [Fact]
    public async Task A_request_status_code_pages_run_again_keeps_its_first_decision_and_stays_readable()
    {
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (int code) => Results.Text($"status {code}", statusCode: code)).DisableStrictCors();
        app.MapPost("/orders/{id}", (int id) => Results.NotFound());
        await app.StartAsync();
        using var requests = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "CorsKit", "corskit.requests");

        var response = await app.GetTestClient().SendAsync(
            Request(HttpMethod.Post, "/orders/7", ("Origin", "https://a.example")).WithBody("{}", "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Be("status 404");
        AccessControlHeaders(response).Should().Contain("Access-Control-Allow-Origin", "https://a.example");
        VaryTokens(response).Should().Contain("Origin");
        requests.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["cors.result"].Should().Be("allowed");
    }

    /// <summary>
    /// Report-only writes nothing, also when an error handler runs the request again: the
    /// re-executed pass keeps the first decision's (report-only) answer and adds no Vary of its own.
    /// </summary>
    [Fact]
    public async Task A_report_only_policys_request_run_again_by_status_code_pages_gets_no_Vary_either()
    {
        var builder = TestHost.CreateBuilder("""
            { "Cors": { "DefaultPolicy": "a", "Policies": { "a": { "Mode": "ReportOnly", "Origins": [ "https://a.example" ] } } } }
            """, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (int code) => Results.Text($"status {code}", statusCode: code)).DisableStrictCors();
        app.MapGet("/found", () => "found");
        app.MapGet("/missing", () => Results.NotFound());
        await app.StartAsync();

        var original = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/found", ("Origin", "https://evil.example")));
        var reExecuted = await app.GetTestClient().SendAsync(Request(HttpMethod.Get, "/missing", ("Origin", "https://evil.example")));

        VaryTokens(original).Should().BeEmpty("report-only writes nothing");
        (await reExecuted.Content.ReadAsStringAsync()).Should().Be("status 404");
        VaryTokens(reExecuted).Should().BeEmpty("the re-executed pass keeps the first decision, which wrote nothing");
        AccessControlHeaders(reExecuted).Should().BeEmpty();
    }

    /// <summary>
    /// CorsKit's own refusals are final: status-code pages would run the error endpoint again with
    /// the refused request's method, body and cookies (a blocked cross-site POST, a denied
    /// preflight), so they are not re-executed.
    /// </summary>
    [Theory]
    [InlineData("blocked write")]
    [InlineData("denied preflight")]
    public async Task A_request_CorsKit_refused_is_never_run_again_by_status_code_pages(string refused)
    {
        var ran = new List<string>();
        var builder = TestHost.CreateBuilder(Json, out _);
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseStrictCors();
        app.Map("/status/{code}", (HttpContext context, int code) =>
        {
            ran.Add($"{context.Request.Method} /status/{code}");
            return Results.Text($"status {code}", statusCode: code);
        }).DisableStrictCors();
        app.MapPost("/orders", () => "ran");
        app.MapPut("/orders", () => "ran");
        await app.StartAsync();

        var response = await app.GetTestClient().SendAsync(refused == "blocked write"
            ? Request(HttpMethod.Post, "/orders", ("Origin", "https://evil.example")).WithBody("{}", "text/plain")
            : Preflight("/orders", "https://evil.example", "PUT"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        ran.Should().BeEmpty("the error endpoint must not run with the refused request's method and body");
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        AccessControlHeaders(response).Should().BeEmpty();
        VaryTokens(response).Should().Contain("Origin");
    }

    /// <summary>
    /// Cross-site WebSocket hijacking: cookies ride on handshakes and CORS does not apply to
    /// them, so the guard judges a handshake as an unsafe request — on HTTP/1.1 (GET with
    /// Upgrade) exactly as on HTTP/2 (extended CONNECT), over real TLS sockets.
    /// </summary>
    [Fact]
    public async Task WebSocket_handshakes_get_the_same_decision_on_HTTP1_and_HTTP2()
    {
        using var certificate = SelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json)));
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.UseHttps(certificate);
        }));
        builder.Services.AddStrictCors();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.UseStrictCors();
        app.Map("/ws/credentials", Echo).RequireStrictCors("a");
        app.Map("/ws/public", Echo).RequireStrictCors("public");
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        var own = $"https://localhost:{port}";

        (string Path, string Origin, bool Cookie, int Expected)[] cases =
        [
            ("/ws/credentials", "https://a.example", true, 101),
            ("/ws/credentials", "https://evil.example", false, 403),
            ("/ws/credentials", "https://evil.example", true, 403),
            ("/ws/public", "https://other.example", false, 101),
            ("/ws/public", "https://other.example", true, 403),
            ("/ws/public", own, true, 101),
        ];
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            foreach (var (path, origin, cookie, expected) in cases)
            {
                var status = await Handshake(new Uri($"wss://localhost:{port}{path}"), certificate.Thumbprint, version, origin, cookie);
                // HTTP/2 accepts with 200 where HTTP/1.1 switches protocols with 101.
                var accepted = status is 101 or 200;
                (accepted ? 101 : status).Should().Be(expected, $"HTTP/{version} {path} from {origin}{(cookie ? " with a cookie" : string.Empty)}");
            }
        }
    }

    private static async Task Echo(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static async Task<int> Handshake(Uri uri, string thumbprint, Version version, string origin, bool cookie)
    {
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = version;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (cookie)
        {
            socket.Options.SetRequestHeader("Cookie", "session=victim");
        }

        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint } };
        using var invoker = new HttpMessageInvoker(handler);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(uri, invoker, timeout.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (WebSocketException)
        {
            // The status says why.
        }

        return (int)socket.HttpStatusCode;
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
