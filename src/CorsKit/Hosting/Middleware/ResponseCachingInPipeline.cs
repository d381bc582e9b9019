using Microsoft.AspNetCore.ResponseCaching;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// Tells whether the app's pipeline has the framework's response cache (<c>UseResponseCaching()</c>):
/// its middleware reads <see cref="ResponseCachingOptions"/> when the pipeline is built, and this
/// configures them. Apps without it then pay nothing per request for what only that cache needs
/// (<see cref="DecidedBeforeFirstByte"/>).
/// </summary>
internal sealed class ResponseCachingInPipeline : IConfigureOptions<ResponseCachingOptions>
{
    /// <summary>Whether the response cache's middleware was built into the pipeline.</summary>
    public bool Present { get; private set; }

    public void Configure(ResponseCachingOptions options) => Present = true;
}
