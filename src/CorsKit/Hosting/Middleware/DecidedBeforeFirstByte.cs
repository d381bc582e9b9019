using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCaching;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The response body as a response cache running before CorsKit sees it: CorsKit's decision is
/// put on the headers before the first byte passes, because that cache stores the headers at the
/// first byte (before the response starts and the response-start callbacks run) and serves them
/// later without CorsKit. A response without a body is completed when the pipeline returns.
/// Used only under such a cache (<c>UseResponseCaching()</c> before <c>UseStrictCors()</c>).
/// </summary>
internal sealed class DecidedBeforeFirstByte(Stream inner, CorsHeadersAtStart decision, HttpContext context) : Stream
{
    /// <summary>
    /// A type of response body seen without a response cache storing the response: the cache
    /// replaces the body with a stream of its own while it stores one, so a request whose body is
    /// of this type needs no feature lookup (one per request would cost as much as the rest of a
    /// request without <c>Origin</c>).
    /// </summary>
    private static Type? _bodyWithoutCache;

    private bool _applied;

    /// <summary>Whether a response cache that runs before CorsKit is storing this response (it caches only GET and HEAD).</summary>
    public static bool IsStoring(HttpContext context)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            return false;
        }

        var bodyType = context.Response.Body.GetType();
        if (bodyType == Volatile.Read(ref _bodyWithoutCache))
        {
            return false;
        }

        if (context.Features.Get<IResponseCachingFeature>() is not null)
        {
            return true;
        }

        Volatile.Write(ref _bodyWithoutCache, bodyType);
        return false;
    }

    public static async Task RunAsync(HttpContext context, CorsHeadersAtStart decision, RequestDelegate next)
    {
        var response = context.Response;
        var body = response.Body;
        response.Body = new DecidedBeforeFirstByte(body, decision, context);
        try
        {
            await next(context);
            if (!response.HasStarted)
            {
                decision.Apply(context);
            }
        }
        finally
        {
            response.Body = body;
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
        Decide();
        inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Decide();
        return inner.FlushAsync(cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Decide();
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Decide();
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Decide();
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Decide();
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Decide()
    {
        if (!_applied)
        {
            _applied = true;
            if (!context.Response.HasStarted)
            {
                decision.Apply(context);
            }
        }
    }
}
