using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CorsKit.Cli.Tests;

/// <summary>
/// A hostile HTTP/1.1 server on 127.0.0.1 that writes raw bytes, so it can send what Kestrel
/// refuses to: control characters in the status line and header values, bodies that never end,
/// or no answer at all. Each connection carries one exchange and is closed after it. Counts every
/// byte its writes have handed to the socket, so a test can bound what the client read.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Func<HostileExchange, Task> _answer;
    private readonly Task _accepting;
    private long _bytesWritten;

    public HostileServer(Func<HostileExchange, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The request line of each request received.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The bytes of answers written to the socket so far; the client read at most this many.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>An answer made of a status line, headers and a body, written as Latin-1 bytes exactly as given.</summary>
    public static Func<HostileExchange, Task> Answer(string statusLine, string headers, string body = "") =>
        exchange => exchange.WriteAsync($"{statusLine}\r\n{headers}Content-Length: {Encoding.Latin1.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections);
        _stopping.Dispose();
    }

    internal void Count(int bytes) => Interlocked.Add(ref _bytesWritten, bytes);

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                var head = await ReadHeadAsync(stream);
                Requests.Enqueue(head[..head.IndexOf('\r', StringComparison.Ordinal)]);
                await _answer(new HostileExchange(stream, this, _stopping.Token));
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (as it should when it stops reading) or the test ended.
            }
        }
    }

    /// <summary>Reads the request line and headers; the probe's bodies are small and left unread.</summary>
    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var buffer = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(buffer, _stopping.Token) == 0)
            {
                throw new IOException("the client closed the connection before sending a request");
            }

            head.Add(buffer[0]);
        }

        return Encoding.Latin1.GetString(head.ToArray());
    }
}

/// <summary>One exchange of a <see cref="HostileServer"/>: what it writes is counted.</summary>
internal sealed class HostileExchange(NetworkStream stream, HostileServer server, CancellationToken stopping)
{
    /// <summary>Cancelled when the test disposes the server.</summary>
    public CancellationToken Stopping => stopping;

    /// <summary>Writes <paramref name="text"/> as Latin-1, one byte per character: any byte can be sent.</summary>
    public Task WriteAsync(string text) => WriteAsync(Encoding.Latin1.GetBytes(text));

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes, stopping);
        server.Count(bytes.Length);
    }
}
