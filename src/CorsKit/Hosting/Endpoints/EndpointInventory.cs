using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// The exemptions an auditor asks for, read off the endpoints when the pipeline is built and
/// whenever they change: endpoints that accept cross-origin form posts, that disable CORS, and
/// that leave their CORS headers to themselves, which requests ask about.
/// </summary>
internal sealed class EndpointInventory
{
    private bool _anyCorsHeadersLeftToEndpoint;

    /// <summary>Endpoints that accept cross-origin form posts (<c>AllowCrossOriginFormPosts</c>).</summary>
    public IReadOnlyList<string> AcceptFormPosts { get; private set; } = [];

    /// <summary>Endpoints whose metadata allows no cross-origin access (<c>[DisableStrictCors]</c>, <c>[DisableCors]</c>).</summary>
    public IReadOnlyList<string> Disabled { get; private set; } = [];

    /// <summary>Endpoints whose CORS headers CorsKit leaves to them (<c>LeaveCorsHeadersToEndpoint</c>).</summary>
    public IReadOnlyList<string> CorsHeadersLeftToEndpoint { get; private set; } = [];

    /// <summary>Logs the inventory, with the authentication callback paths <paramref name="callbackPaths"/> (EventId 1014).</summary>
    public void Log(Microsoft.Extensions.Logging.ILogger logger, IReadOnlyList<string> callbackPaths) =>
        Diagnostics.CorsKitLog.EndpointInventory(logger, AcceptFormPosts, callbackPaths, Disabled, CorsHeadersLeftToEndpoint);

    /// <summary>
    /// Whether CorsKit leaves the CORS headers of <paramref name="endpoint"/> to it: read off its
    /// metadata (routing's endpoint objects are not those the inventory saw), and only when some
    /// endpoint does, so that apps without one pay nothing.
    /// </summary>
    public bool LeavesCorsHeadersTo(Endpoint? endpoint) =>
        Volatile.Read(ref _anyCorsHeadersLeftToEndpoint) && endpoint?.Metadata.GetMetadata<LeaveCorsHeadersToEndpointAttribute>() is not null;

    /// <summary>Reads the exemptions of <paramref name="endpoints"/>; returns whether they changed.</summary>
    public bool Update(IReadOnlyList<Endpoint> endpoints)
    {
        var formPosts = Names(endpoints.Where(e => e.Metadata.GetMetadata<AllowCrossOriginFormPostsAttribute>() is not null));
        var disabled = Names(endpoints.Where(e => PolicySelection.Of(EndpointPolicies.MetadataOf(e)).Kind == PolicySelectionKind.Disabled));
        var left = endpoints.Where(e => e.Metadata.GetMetadata<LeaveCorsHeadersToEndpointAttribute>() is not null).ToList();
        var changed = !formPosts.SequenceEqual(AcceptFormPosts) || !disabled.SequenceEqual(Disabled) || !Names(left).SequenceEqual(CorsHeadersLeftToEndpoint);
        AcceptFormPosts = formPosts;
        Disabled = disabled;
        CorsHeadersLeftToEndpoint = Names(left);
        Volatile.Write(ref _anyCorsHeadersLeftToEndpoint, left.Count > 0);
        return changed;
    }

    private static List<string> Names(IEnumerable<Endpoint> endpoints) =>
        endpoints.Select(e => e.DisplayName ?? "(unnamed endpoint)").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
