using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// Browsers send <c>Origin</c> with a WebSocket handshake and no preflight, with the user's cookies:
/// a cross-site page could otherwise talk to the user's socket (cross-site WebSocket hijacking).
/// CorsKit judges the handshake at the gateway like a write; YARP proxies only what it lets through.
/// </summary>
[Collection(YarpTests.Name)]
public sealed class GatewayWebSocketTests(DestinationFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly Destination _destination = fixture.Destination;

    [Fact]
    public async Task A_handshake_from_an_allowed_origin_is_proxied_and_the_socket_echoes()
    {
        await using var gateway = await StartAsync();
        using var socket = Socket(Gateway.AppOrigin);
        using var timeout = new CancellationTokenSource(Limit);

        await socket.ConnectAsync(Address(gateway, "/echo/websocket/allowed/ws"), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello through the gateway"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        socket.HttpStatusCode.Should().Be(HttpStatusCode.SwitchingProtocols);
        Encoding.UTF8.GetString(buffer, 0, received.Count).Should().Be("hello through the gateway");
        socket.CloseStatus.Should().Be(WebSocketCloseStatus.NormalClosure);
        (await _destination.CountAsync("GET", "/echo/websocket/allowed/ws")).Should().Be(1);
    }

    [Fact]
    public async Task A_handshake_from_a_disallowed_origin_gets_403_and_never_reaches_the_destination()
    {
        await using var gateway = await StartAsync();
        using var socket = Socket(Gateway.EvilOrigin);
        using var timeout = new CancellationTokenSource(Limit);

        var connect = () => socket.ConnectAsync(Address(gateway, "/echo/websocket/denied/ws"), timeout.Token);

        (await connect.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("'403'");
        socket.HttpStatusCode.Should().Be(HttpStatusCode.Forbidden);
        var headers = socket.HttpResponseHeaders!;
        headers.Keys.Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).Should().BeEmpty();
        headers["Vary"].Should().Equal("Origin");
        (await _destination.CountAsync("GET", "/echo/websocket/denied/ws")).Should().Be(0, "the handshake never reached the destination: " + await _destination.ArrivalsAsync());
    }

    /// <summary>A client socket that sends <paramref name="origin"/>, as a browser page of that origin does, and keeps the handshake's response.</summary>
    private static ClientWebSocket Socket(string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.Proxy = null;
        return socket;
    }

    private static Uri Address(Gateway gateway, string path) => new($"ws://127.0.0.1:{gateway.Address.Port}{path}");

    private Task<Gateway> StartAsync() => Gateway.StartAsync(_destination, [Gateway.Route("echo", "/echo/{**rest}")]);
}
