using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Stands for an endpoint's CORS metadata when two pieces at the same level disagree
/// (<see cref="CorsMetadataPrecedence"/>): startup reports <see cref="Message"/>; a request to such
/// an endpoint gets no cross-origin access.
/// </summary>
internal sealed class ContradictingCorsMetadata(string message) : ICorsMetadata
{
    public string Message { get; } = message;
}
