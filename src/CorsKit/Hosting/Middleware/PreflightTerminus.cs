using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Where a preflight that CorsKit passes on ends: an endpoint that answers an empty 204 (it grants
/// nothing) in place of the endpoint routing selected for the preflight, which must never run. It
/// carries that endpoint's metadata, so that a CORS middleware after CorsKit (the framework's
/// <c>UseCors()</c> next to report-only mode) resolves the same policy and may answer first.
/// </summary>
internal static class PreflightTerminus
{
    /// <summary>One terminus per endpoint, created on first use; the table lets go of endpoints routing no longer holds.</summary>
    private static readonly ConditionalWeakTable<Endpoint, Endpoint> ByEndpoint = new();

    private static readonly Endpoint WithoutEndpoint = new(AnswerEmpty, EndpointMetadataCollection.Empty, "CorsKit: preflight answered without CORS headers");

    /// <summary>The terminus that stands in for <paramref name="endpoint"/> (null: routing selected none).</summary>
    public static Endpoint For(Endpoint? endpoint) =>
        endpoint is null ? WithoutEndpoint : ByEndpoint.GetValue(endpoint, static e => new Endpoint(AnswerEmpty, e.Metadata, $"CorsKit: preflight to {e.DisplayName}"));

    /// <summary>An empty 204: no CORS header, so the browser's preflight fails and the request is never sent.</summary>
    public static Task AnswerEmpty(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}
