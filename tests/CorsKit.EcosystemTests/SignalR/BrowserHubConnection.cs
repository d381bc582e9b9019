using CorsKit.EcosystemTests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace CorsKit.EcosystemTests.SignalR;

/// <summary>
/// A real HubConnection (Microsoft.AspNetCore.SignalR.Client) from a page on <see cref="Origin"/>,
/// with a bearer token from its AccessTokenProvider. Its HTTP requests (negotiate, long polling,
/// server-sent events) go through <see cref="BrowserFetch"/> with the credentials mode the page's
/// client uses (the JavaScript client's <c>withCredentials</c>: true = <c>include</c>, false =
/// <c>same-origin</c>). Its WebSocket handshake carries what a browser's does: the page's
/// <c>Origin</c>, Fetch Metadata, and the cookie the browser holds for the hub's site whatever the
/// page asked for (a WebSocket has no credentials mode).
/// </summary>
public sealed class BrowserHubConnection : IAsyncDisposable
{
    public const string Origin = "https://app.example";

    private readonly List<BrowserFetch> _fetches = [];

    public BrowserHubConnection(Uri hubUrl, HttpTransportType transports, CredentialsMode credentials, string? cookie)
    {
        Connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, transports, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(TestBearerHandler.Token);
                options.HttpMessageHandlerFactory = inner =>
                {
                    var fetch = new BrowserFetch(Origin, credentials, inner) { Cookie = cookie };
                    lock (_fetches)
                    {
                        _fetches.Add(fetch);
                    }

                    return new UserAgentAsInBrowser("X-SignalR-User-Agent", fetch);
                };
                options.WebSocketConfiguration = socket =>
                {
                    socket.SetRequestHeader("Origin", Origin);
                    socket.SetRequestHeader("Sec-Fetch-Site", "cross-site");
                    socket.SetRequestHeader("Sec-Fetch-Mode", "websocket");
                    socket.SetRequestHeader("Sec-Fetch-Dest", "empty");
                    if (cookie is not null)
                    {
                        socket.SetRequestHeader("Cookie", cookie);
                    }
                };
            })
            .Build();
    }

    public HubConnection Connection { get; }

    /// <summary>The HTTP requests the connection made through the browser's fetch, preflights included.</summary>
    public IReadOnlyList<Exchange> Exchanges
    {
        get
        {
            lock (_fetches)
            {
                return [.. _fetches.SelectMany(f => f.Exchanges)];
            }
        }
    }

    /// <summary>Starts the connection and asks the hub who called over which transport.</summary>
    public async Task<string> StartAndAskAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Connection.StartAsync(timeout.Token);
        return await Connection.InvokeAsync<string>("Whoami", timeout.Token);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
