using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorsKit.BrowserTests.Engines;

/// <summary>
/// A minimal WebDriver BiDi client: commands go out as JSON over one WebSocket and each is
/// answered by the message carrying its id; events are not subscribed to and are ignored.
/// </summary>
internal sealed class BiDiConnection : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private int _nextId;

    private BiDiConnection(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Connects to a browser's WebDriver BiDi endpoint.</summary>
    public static async Task<BiDiConnection> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(uri, timeout.Token);
            return new BiDiConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command and returns its result; an error answer, a closed connection or no answer in time throws.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            if (_reading.IsCompleted)
            {
                throw new InvalidOperationException($"WebDriver BiDi: the connection is closed; {method} was not sent");
            }

            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            await _sending.WaitAsync();
            try
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
            }
            finally
            {
                _sending.Release();
            }

            return await answer.Task.WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"WebDriver BiDi: no answer to {method} within {CommandTimeout.TotalSeconds} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Reads answers until the connection closes or fails; then every command still waiting fails
    /// with the reason (a command sent after that fails at once, above).
    /// </summary>
    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        Exception closed = new InvalidOperationException("WebDriver BiDi: the connection closed");
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    Dispatch(document.RootElement);
                }

                message.SetLength(0);
            }
        }
#pragma warning disable CA1031 // Whatever ends the reading (a closed socket, a message it cannot parse) must fail the waiting commands, not hang them.
        catch (Exception e)
#pragma warning restore CA1031
        {
            closed = new InvalidOperationException($"WebDriver BiDi: reading failed: {e.Message}", e);
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(closed);
            }
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (!message.TryGetProperty("id", out var idProperty) || idProperty.ValueKind != JsonValueKind.Number
            || !_pending.TryGetValue(idProperty.GetInt32(), out var answer))
        {
            return; // an event
        }

        if (message.GetProperty("type").GetString() == "success")
        {
            answer.TrySetResult(message.GetProperty("result").Clone());
        }
        else
        {
            answer.TrySetException(new InvalidOperationException(
                $"WebDriver BiDi error {message.GetProperty("error").GetString()}: {message.GetProperty("message").GetString()}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            await _reading;
        }
        finally
        {
            _socket.Dispose();
            _closing.Dispose();
            _sending.Dispose();
        }
    }
}
