using System.Net;
using System.Text;
using CorsKit.EcosystemTests.Support;
using CorsKit.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.GrpcWeb;

/// <summary>
/// The gRPC-Web recipe (docs/corskit-with.md): a gRPC service with UseGrpcWeb() and
/// EnableGrpcWeb() behind CorsKit on Kestrel, called by Grpc.Net.Client.Web's GrpcWebHandler
/// through a Fetch-standard CORS client (<see cref="BrowserFetch"/>) from a page's origin, and by
/// requests shaped as the JavaScript grpc-web client sends them.
/// </summary>
public sealed class GrpcWebRecipeTests
{
    private const string App = "https://app.example";
    private const string Path = "/corskit.recipes.Greeter/SayHello";

    /// <summary>The recipe's configuration; <c>grpc-web-unexposed</c> is the same policy without its ExposedHeaders.</summary>
    private const string Json = """
        { "Cors": { "Policies": {
            "grpc-web": {
              "Origins": [ "https://app.example" ],
              "Headers": [ "Content-Type", "X-Grpc-Web", "X-User-Agent", "Grpc-Timeout", "Grpc-Accept-Encoding" ],
              "ExposedHeaders": [ "Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin" ],
              "MaxAgeSeconds": 600 },
            "grpc-web-unexposed": {
              "Origins": [ "https://app.example" ],
              "Headers": [ "Content-Type", "X-Grpc-Web", "X-User-Agent", "Grpc-Timeout", "Grpc-Accept-Encoding" ],
              "MaxAgeSeconds": 600 } } } }
        """;

    private const string AllowedHeaders = "Content-Type, X-Grpc-Web, X-User-Agent, Grpc-Timeout, Grpc-Accept-Encoding";
    private const string ExposedHeaders = "Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin";

    /// <summary>A running app, the calls that reached the service, and what arrived at CorsKit.</summary>
    private sealed class GrpcWebApp(WebApplication app, List<(string Method, string? ContentType, string Protocol)> seenByCorsKit) : IAsyncDisposable
    {
        public Uri BaseAddress => app.BaseAddress();

        public int ServiceCalls => app.Services.GetRequiredService<GreeterService.Calls>().Count;

        public IReadOnlyList<(string Method, string? ContentType, string Protocol)> SeenByCorsKit
        {
            get
            {
                lock (seenByCorsKit)
                {
                    return [.. seenByCorsKit];
                }
            }
        }

        public FakeLogCollector Logs => app.Services.GetFakeLogCollector();

        public static async Task<GrpcWebApp> StartAsync(bool grpcWebFirst, string policy = "grpc-web")
        {
            var builder = LoopbackHost.CreateBuilder(Json);
            builder.Services.AddGrpc();
            builder.Services.AddSingleton<GreeterService.Calls>();
            builder.Services.AddStrictCors();
            var app = builder.Build();
            var seen = new List<(string, string?, string)>();
            if (grpcWebFirst)
            {
                app.UseGrpcWeb();
            }

            // Records the request as the next middleware, CorsKit, gets it.
            app.Use((context, next) =>
            {
                lock (seen)
                {
                    seen.Add((context.Request.Method, context.Request.ContentType, context.Request.Protocol));
                }

                return next(context);
            });
            app.UseStrictCors();
            if (!grpcWebFirst)
            {
                app.UseGrpcWeb();
            }

            app.MapGrpcService<GreeterService>().EnableGrpcWeb().RequireStrictCors(policy);
            await app.StartAsync();
            return new GrpcWebApp(app, seen);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    /// <summary>A gRPC client whose calls go out as a browser's fetch() from <paramref name="fetch"/>'s origin, over HTTP/1.1.</summary>
    private static Greeter.GreeterClient BrowserClient(GrpcWebApp app, GrpcWebMode mode, BrowserFetch fetch, out GrpcChannel channel)
    {
        channel = GrpcChannel.ForAddress(app.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new UserAgentAsInBrowser("X-User-Agent", fetch)),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        return new Greeter.GreeterClient(channel);
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb, false)]
    [InlineData(GrpcWebMode.GrpcWebText, false)]
    [InlineData(GrpcWebMode.GrpcWeb, true)]
    [InlineData(GrpcWebMode.GrpcWebText, true)]
    public async Task A_grpc_web_unary_call_from_an_allowed_origin_is_preflighted_and_succeeds_in_either_middleware_order(GrpcWebMode mode, bool grpcWebFirst)
    {
        await using var app = await GrpcWebApp.StartAsync(grpcWebFirst);
        var fetch = new BrowserFetch(App);
        var client = BrowserClient(app, mode, fetch, out var channel);
        using var _ = channel;

        var reply = await client.SayHelloAsync(new HelloRequest { Name = "ada" }, deadline: DateTime.UtcNow.AddMinutes(5));

        reply.Message.Should().Be("Hello ada");
        app.ServiceCalls.Should().Be(1);
        var exchanges = fetch.Exchanges;
        exchanges.Select(e => (e.Method.Method, e.IsPreflight)).Should().Equal(("OPTIONS", true), ("POST", false));

        var preflight = exchanges[0];
        preflight.RequestHeaders["Access-Control-Request-Headers"].Should().Be(
            "content-type,grpc-accept-encoding,grpc-timeout,x-user-agent", "what GrpcWebHandler sends from a browser beyond the safelist");
        preflight.Status.Should().Be(HttpStatusCode.NoContent);
        preflight.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = App,
            ["Access-Control-Allow-Headers"] = AllowedHeaders,
            ["Access-Control-Max-Age"] = "600",
        }, "POST is CORS-safelisted, so no Access-Control-Allow-Methods is needed");
        preflight.Vary.Should().Equal(PreflightVary);

        var call = exchanges[1];
        call.RequestHeaders["Content-Type"].Should().Be(mode == GrpcWebMode.GrpcWeb ? "application/grpc-web" : "application/grpc-web-text");
        call.RequestHeaders["X-User-Agent"].Should().StartWith("grpc-dotnet/2.85.0 ");
        call.RequestHeaders["grpc-accept-encoding"].Should().Be("identity,gzip,deflate");
        call.Status.Should().Be(HttpStatusCode.OK);
        call.ResponseHeaders["Content-Type"].Should().Be(call.RequestHeaders["Content-Type"]);
        call.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = App,
            ["Access-Control-Expose-Headers"] = ExposedHeaders,
        });
        call.Vary.Should().Equal("Origin");

        // The order only changes what CorsKit is handed: UseGrpcWeb() first has already turned the
        // call into gRPC (application/grpc over "HTTP/2"); preflights pass through it untouched.
        var expectedPost = grpcWebFirst
            ? ("POST", "application/grpc", "HTTP/2")
            : ("POST", call.RequestHeaders["Content-Type"], "HTTP/1.1");
        app.SeenByCorsKit.Should().Equal(("OPTIONS", null, "HTTP/1.1"), expectedPost);
    }

    [Fact]
    public async Task The_JavaScript_grpc_web_clients_preflight_and_call_are_answered_with_every_header_they_need()
    {
        await using var app = await GrpcWebApp.StartAsync(grpcWebFirst: false);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // grpc-web's GrpcWebClientBase: Content-Type and Accept application/grpc-web-text,
        // X-User-Agent, X-Grpc-Web, and grpc-timeout when the call has a deadline.
        var preflight = await http.SendAsync(Browser(Preflight(Path, App, "POST", "content-type,grpc-timeout,x-grpc-web,x-user-agent")));
        var call = await http.SendAsync(Browser(Request(HttpMethod.Post, Path,
            ("Origin", App), ("Accept", "application/grpc-web-text"), ("X-User-Agent", "grpc-web-javascript/0.1"),
            ("X-Grpc-Web", "1"), ("grpc-timeout", "5000m"))
            .WithBody(Convert.ToBase64String(Frame(0x00, new HelloRequest { Name = "js" }.ToByteArray())), "application/grpc-web-text")));

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        AccessControlHeaders(preflight).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = App,
            ["Access-Control-Allow-Headers"] = AllowedHeaders,
            ["Access-Control-Max-Age"] = "600",
        });
        VaryTokens(preflight).Should().Equal(PreflightVary);

        call.StatusCode.Should().Be(HttpStatusCode.OK);
        call.Content.Headers.ContentType!.MediaType.Should().Be("application/grpc-web-text");
        AccessControlHeaders(call).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = App,
            ["Access-Control-Expose-Headers"] = ExposedHeaders,
        });
        VaryTokens(call).Should().Equal("Origin");
        call.Headers.Should().NotContain(h => h.Key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase),
            "a call that returns a message carries its status in the body, where the page reads it without any exposed header");
        var frames = Frames(DecodeBase64Segments(await call.Content.ReadAsStringAsync()));
        frames.Should().HaveCount(2);
        HelloReply.Parser.ParseFrom(frames[0].Payload).Message.Should().Be("Hello js");
        frames[1].Flag.Should().Be(0x80);
        Encoding.ASCII.GetString(frames[1].Payload).Should().Be("grpc-status: 0\r\n");
        app.ServiceCalls.Should().Be(1);
    }

    [Theory]
    [InlineData("grpc-web", true)]
    [InlineData("grpc-web-unexposed", false)]
    public async Task A_trailers_only_error_reaches_the_page_only_when_the_grpc_status_headers_are_exposed(string policy, bool exposed)
    {
        await using var app = await GrpcWebApp.StartAsync(grpcWebFirst: false, policy);
        var fetch = new BrowserFetch(App);
        var client = BrowserClient(app, GrpcWebMode.GrpcWebText, fetch, out var channel);
        using var _ = channel;

        var call = () => client.RefuseAsync(new HelloRequest { Name = "eve" }).ResponseAsync;

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        app.ServiceCalls.Should().Be(1, "the service ran and refused");
        var wire = fetch.Exchanges.Single(e => !e.IsPreflight);
        wire.Status.Should().Be(HttpStatusCode.OK);
        wire.ResponseHeaders.Should().Contain("grpc-status", "7").And.Contain("grpc-message", "not for eve")
            .And.ContainKey("grpc-status-details-bin", "a trailers-only response carries its status in the headers");
        wire.Vary.Should().Equal("Origin");
        if (exposed)
        {
            wire.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string>
            {
                ["Access-Control-Allow-Origin"] = App,
                ["Access-Control-Expose-Headers"] = ExposedHeaders,
            });
            error.StatusCode.Should().Be(StatusCode.PermissionDenied);
            error.Status.Detail.Should().Be("not for eve");
            RichStatus.Parser.ParseFrom(error.Trailers.GetValueBytes("grpc-status-details-bin")).Should()
                .Be(new RichStatus { Code = (int)StatusCode.PermissionDenied, Message = "not for eve" });
        }
        else
        {
            wire.AccessControl.Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = App });
            error.StatusCode.Should().Be(StatusCode.Cancelled, "the browser hid grpc-status, so the client cannot tell what the service said");
            error.Status.Detail.Should().Be("No grpc-status found on response.");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_grpc_web_call_from_a_disallowed_origin_is_refused_at_the_preflight_and_a_direct_post_never_reaches_the_service(bool grpcWebFirst)
    {
        await using var app = await GrpcWebApp.StartAsync(grpcWebFirst);
        var fetch = new BrowserFetch("https://evil.example");
        var client = BrowserClient(app, GrpcWebMode.GrpcWebText, fetch, out var channel);
        using var _ = channel;
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var call = () => client.SayHelloAsync(new HelloRequest { Name = "ada" }).ResponseAsync;
        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        var direct = await http.SendAsync(Browser(Request(HttpMethod.Post, Path, ("Origin", "https://evil.example"), ("X-Grpc-Web", "1"))
            .WithBody(Convert.ToBase64String(Frame(0x00, new HelloRequest { Name = "ada" }.ToByteArray())), "application/grpc-web-text")));

        error.StatusCode.Should().Be(StatusCode.Internal);
        error.Status.Detail.Should().Contain("CORS preflight for POST");
        var preflight = fetch.Exchanges.Should().ContainSingle("the browser sends nothing after a refused preflight").Which;
        preflight.IsPreflight.Should().BeTrue();
        preflight.Status.Should().Be(HttpStatusCode.Forbidden);
        preflight.AccessControl.Should().BeEmpty();
        preflight.Vary.Should().Equal(PreflightVary);

        direct.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        AccessControlHeaders(direct).Should().BeEmpty();
        VaryTokens(direct).Should().Equal("Origin");
        (await direct.Content.ReadAsStringAsync()).Should().BeEmpty("Production sends no explanation");
        app.ServiceCalls.Should().Be(0);
        app.Logs.GetSnapshot().Where(r => r.Id.Id == CorsKitEventIds.CrossOriginRequestBlocked).Select(r => r.Message).Should().Equal(
            "Blocked a cross-origin POST from origin 'https://evil.example' under policy 'grpc-web' before the endpoint ran (origin_not_allowed).");
    }

    /// <summary>Fetch Metadata a browser adds to a cross-site fetch().</summary>
    private static HttpRequestMessage Browser(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "cors");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");
        return request;
    }


    /// <summary>A gRPC(-Web) frame: a flag byte, a big-endian length, the payload.</summary>
    private static byte[] Frame(byte flag, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static List<(byte Flag, byte[] Payload)> Frames(byte[] body)
    {
        var frames = new List<(byte, byte[])>();
        for (var i = 0; i < body.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(i + 1));
            frames.Add((body[i], body.AsSpan(i + 5, length).ToArray()));
            i += 5 + length;
        }

        return frames;
    }

    /// <summary>application/grpc-web-text is base64 written in pieces, each padded: decode four characters at a time.</summary>
    private static byte[] DecodeBase64Segments(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i + 4 <= text.Length; i += 4)
        {
            bytes.AddRange(Convert.FromBase64String(text.Substring(i, 4)));
        }

        return [.. bytes];
    }
}
