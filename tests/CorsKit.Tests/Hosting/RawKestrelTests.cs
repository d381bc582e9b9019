using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// Requests a browser never sends, written byte by byte to a real Kestrel server: whatever
/// Kestrel accepts, CorsKit denies (preflights 403, writes blocked, no CORS headers); what Kestrel
/// itself rejects (400) never reaches CorsKit.
/// </summary>
public sealed class RawKestrelTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Allowed = "https://app.example.com";

    private readonly ConcurrentDictionary<string, int> _ran = new();
    private WebApplication _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddStrictCors(o => o.AddDefaultPolicy("web", p => p.WithOrigins(Allowed).WithMethods("PUT").WithHeaders("Content-Type").AllowCredentials()));
        _app = builder.Build();
        _app.UseStrictCors();
        _app.MapMethods("/resource", ["GET", "POST", "PUT", "OPTIONS"], (HttpContext context) =>
        {
            _ran.AddOrUpdate(context.Request.Method, 1, (_, n) => n + 1);
            return "ran";
        });
        await _app.StartAsync();
        _port = new Uri(_app.Urls.Single()).Port;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> HostileOriginHeaders => new()
    {
        { "two Origin headers, both allowed", $"Origin: {Allowed}\r\nOrigin: {Allowed}" },
        { "two Origin headers differing in name case", $"Origin: {Allowed}\r\norigin: https://evil.example" },
        { "an empty Origin", "Origin: " },
        { "Origin: null", "Origin: null" },
        { "a list of origins in one header", $"Origin: {Allowed}, https://evil.example" },
        { "obs-text (Latin-1 bytes) in the host", "Origin: https://app.ex\u00e4mple.com" },
        { "UTF-8 bytes of a look-alike host", "Origin: https://\u00d0\u00b5xample.com" },
        { "a NUL byte", $"Origin: {Allowed}\0" },
        { "a tab inside the value", "Origin: https://app.\texample.com" },
        { "an 8 KB value", $"Origin: https://{new string('a', 8192)}.example.com" },
        { "an uppercase host", "Origin: https://APP.example.com" },
        { "a path", $"Origin: {Allowed}/" },
    };

    [Theory]
    [MemberData(nameof(HostileOriginHeaders))]
    public async Task A_hostile_Origin_header_is_denied_on_every_kind_of_request(string description, string originHeaders)
    {
        var preflight = await SendAsync($"OPTIONS /resource HTTP/1.1\r\nHost: 127.0.0.1\r\n{originHeaders}\r\nAccess-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n");
        var post = await SendAsync($"POST /resource HTTP/1.1\r\nHost: 127.0.0.1\r\n{originHeaders}\r\nContent-Type: text/plain\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
        var get = await SendAsync($"GET /resource HTTP/1.1\r\nHost: 127.0.0.1\r\n{originHeaders}\r\nConnection: close\r\n\r\n");

        output.WriteLine($"{description}: preflight {preflight.Status}, POST {post.Status}, GET {get.Status}");
        preflight.Status.Should().BeOneOf([403, 400], description);
        post.Status.Should().BeOneOf([403, 400], description);
        get.Status.Should().BeOneOf([200, 400], description);
        foreach (var response in new[] { preflight, post, get })
        {
            response.Headers.Keys.Should().NotContain(name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase), description);
        }

        _ran.GetValueOrDefault("POST").Should().Be(0, "a blocked write never reaches the endpoint ({0})", description);
        _ran.GetValueOrDefault("OPTIONS").Should().Be(0, "a preflight never reaches the endpoint ({0})", description);
    }

    [Fact]
    public async Task Whitespace_around_the_value_is_not_part_of_it_so_the_origin_is_the_allowed_one()
    {
        // RFC 9110: optional whitespace around a field value is not part of it; Kestrel strips it.
        var response = await SendAsync($"GET /resource HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin:  \t{Allowed} \t\r\nConnection: close\r\n\r\n");

        response.Status.Should().Be(200);
        response.Headers["Access-Control-Allow-Origin"].Should().Be(Allowed);
    }

    [Theory]
    [InlineData("a lowercase method", "put", null)]
    [InlineData("a method with a space", "P UT", null)]
    [InlineData("two request-method headers", "PUT\r\nAccess-Control-Request-Method: PUT", null)]
    [InlineData("a header name with a space", "PUT", "content type")]
    [InlineData("a header name with obs-text", "PUT", "x-\u00e4")]
    [InlineData("a header list with a semicolon", "PUT", "content-type;x-a")]
    public async Task A_malformed_preflight_from_the_allowed_origin_is_denied(string description, string method, string? requestHeaders)
    {
        var headerLine = requestHeaders is null ? string.Empty : $"Access-Control-Request-Headers: {requestHeaders}\r\n";

        var response = await SendAsync($"OPTIONS /resource HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {Allowed}\r\nAccess-Control-Request-Method: {method}\r\n{headerLine}Connection: close\r\n\r\n");

        output.WriteLine($"{description}: preflight {response.Status}");
        response.Status.Should().BeOneOf([403, 400], description);
        response.Headers.Keys.Should().NotContain(name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_lowercase_post_from_a_disallowed_origin_is_blocked_because_only_browsers_normalize_methods()
    {
        var response = await SendAsync("post /resource HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        response.Status.Should().Be(403);
        _ran.GetValueOrDefault("post").Should().Be(0);
    }

    [Fact]
    public async Task An_HTTP_1_0_write_without_a_Host_header_from_another_origin_is_blocked()
    {
        var response = await SendAsync("POST /resource HTTP/1.0\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\n\r\n");

        response.Status.Should().Be(403);
        _ran.GetValueOrDefault("POST").Should().Be(0);
    }

    private async Task<(int Status, Dictionary<string, string> Headers)> SendAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync();
        var head = text.Split("\r\n\r\n", 2)[0].Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = head.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return (status, headers);
    }
}
