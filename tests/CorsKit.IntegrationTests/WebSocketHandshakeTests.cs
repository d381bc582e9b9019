using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CorsKit.IntegrationTests;

/// <summary>
/// WebSocket handshakes, judged by the guard as unsafe requests, on HTTP/1.1 and HTTP/2 over
/// real TLS sockets.
/// </summary>
public sealed class WebSocketHandshakeTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "a", "Policies": {
            "a": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ], "AllowCredentials": true },
            "anonymous": { "Origins": [ "https://a.example" ], "Methods": [ "PUT" ] },
            "public": { "Origins": [ "*" ] } } } }
        """;

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
