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
    private bool _applied;

    /// <summary>
    /// Whether a response cache that runs before CorsKit is storing this response (it caches only
    /// GET and HEAD); asked only in apps whose pipeline has one (<see cref="ResponseCachingInPipeline"/>).
    /// </summary>
    public static bool IsStoring(HttpContext context)
    {
        var method = context.Request.Method;
        return (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) && context.Features.Get<IResponseCachingFeature>() is not null;
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
