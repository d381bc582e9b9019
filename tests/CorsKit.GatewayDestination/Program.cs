using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;

namespace CorsKit.GatewayDestination;

/// <summary>
/// A backend behind a YARP gateway, run as a real process by tests/CorsKit.EcosystemTests/Yarp
/// (<c>dotnet CorsKit.GatewayDestination.dll --urls http://127.0.0.1:PORT</c>). It knows nothing
/// of CorsKit and answers CORS its own way, by the first segment of the path that names a mode
/// (<c>/echo/x</c>, <c>/public/echo/x</c>; <c>--Mode</c> for a path without one):
/// <list type="bullet">
/// <item><c>echo</c>: <c>Access-Control-Allow-Origin</c> echoing any <c>Origin</c>, with
/// <c>Access-Control-Allow-Credentials: true</c>, <c>Access-Control-Expose-Headers</c> and
/// <c>Vary: Origin</c>; a preflight is answered 204 with its own allow-lists;</item>
/// <item><c>star</c>: <c>Access-Control-Allow-Origin: *</c> and <c>Vary: Accept-Encoding</c>;
/// a preflight is answered 204 allowing everything;</item>
/// <item><c>none</c>: no CORS header at all.</item>
/// </list>
/// A path ending in <c>/ws</c> is a WebSocket echo. Every request that reaches it is counted by
/// method and path, OPTIONS and WebSocket handshakes included: <c>GET /__count?method=M&amp;path=P</c>
/// answers the count, <c>GET /__arrivals</c> every request so far (for failure messages).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var app = builder.Build();
        var defaultMode = app.Configuration["Mode"] ?? "none";
        var arrivals = new Arrivals();

        // Counted before anything answers: what the gateway forwarded is what arrived.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value?.StartsWith("/__", StringComparison.Ordinal) != true)
            {
                arrivals.Add(context.Request.Method, context.Request.Path.Value ?? "/");
            }

            return next(context);
        });
        app.UseWebSockets();

        app.MapGet("/__count", (string method, string path) => arrivals.Count(method, path).ToString(CultureInfo.InvariantCulture));
        app.MapGet("/__arrivals", () => string.Join('\n', arrivals.All()));

        // Everything else, any method (a catch-all comes after every literal route).
        app.Map("/{**path}", context => AnswerAsync(context, ModeOf(context.Request.Path, defaultMode)));

        app.Run();
    }

    /// <summary>The first segment of the path that names a mode, else the default: <c>/public/echo/x</c> is echo.</summary>
    private static string ModeOf(PathString path, string defaultMode)
    {
        foreach (var segment in (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "echo" or "star" or "none")
            {
                return segment;
            }
        }

        return defaultMode;
    }

    private static async Task AnswerAsync(HttpContext context, string mode)
    {
        var request = context.Request;
        var response = context.Response;
        if (context.WebSockets.IsWebSocketRequest && request.Path.Value!.EndsWith("/ws", StringComparison.Ordinal))
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket, context.RequestAborted);
            return;
        }

        var origin = request.Headers.Origin.ToString();
        var preflight = HttpMethods.IsOptions(request.Method) && origin.Length > 0 && request.Headers.AccessControlRequestMethod.Count > 0;
        response.Headers["X-Destination-Mode"] = mode;
        switch (mode)
        {
            case "echo" when origin.Length > 0:
                response.Headers.AccessControlAllowOrigin = origin;
                response.Headers.AccessControlAllowCredentials = "true";
                response.Headers.Vary = "Origin";
                if (preflight)
                {
                    response.Headers.AccessControlAllowMethods = "GET, POST, PUT, PATCH, DELETE";
                    response.Headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.Count > 0
                        ? request.Headers.AccessControlRequestHeaders.ToString()
                        : "Content-Type";
                    response.Headers.AccessControlMaxAge = "86400";
                }
                else
                {
                    response.Headers.AccessControlExposeHeaders = "X-Destination-Mode";
                }

                break;
            case "star":
                response.Headers.AccessControlAllowOrigin = "*";
                response.Headers.Vary = "Accept-Encoding";
                if (preflight)
                {
                    response.Headers.AccessControlAllowMethods = "*";
                    response.Headers.AccessControlAllowHeaders = "*";
                }

                break;
        }

        if (preflight && mode != "none")
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync($"{mode} {request.Method} {request.Path}{(body.Length > 0 ? " received: " + body : string.Empty)}", context.RequestAborted);
    }

    /// <summary>Sends every message back as it came, until the client closes.</summary>
    private static async Task EchoAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }

    /// <summary>Every request that reached the destination, in order, counted by method and path.</summary>
    private sealed class Arrivals
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _all = new();

        public void Add(string method, string path)
        {
            var key = Key(method, path);
            _counts.AddOrUpdate(key, 1, (_, count) => count + 1);
            _all.Enqueue(key);
        }

        public int Count(string method, string path) => _counts.TryGetValue(Key(method, path), out var count) ? count : 0;

        public string[] All() => _all.ToArray();

        private static string Key(string method, string path) => $"{method.ToUpperInvariant()} {path}";
    }
}
