using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Endpoints;
using CorsKit.Hosting.Stores;
using CorsKit.Policies;
using ICorsMetadata = Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata;
using Microsoft.AspNetCore.Http;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// CorsKit's middleware: decide once, then apply. For each request:
/// <list type="number">
/// <item>the configuration in force is read once: it decides, and a denial's Development explanation describes it;</item>
/// <item>a request an error handler runs again keeps its first decision and goes on;</item>
/// <item>the policy of the endpoint routing selected is resolved from its CORS metadata (for a policy whose
/// origins come from the application's store, the policy of the key the request carries, asked for when not held);</item>
/// <item>the engine decides everything in one call (<see cref="CorsEngine.Decide"/>), reading the request's facts it needs;</item>
/// <item>the decision is recorded: counter, logs, report-only reports (<see cref="DecisionRecorder"/>);</item>
/// <item>the decision is applied (<see cref="CorsResponseWriter"/>): a preflight or a blocked request is answered
/// here; any other request goes on to the endpoint with its CORS headers and <c>Vary</c>, which are put
/// back as the response starts.</item>
/// </list>
/// </summary>
internal sealed class StrictCorsMiddleware(
    RequestDelegate next,
    CorsPolicyStore store,
    OriginStoreCache originStores,
    RemoteAuthenticationCallbacks callbacks,
    EndpointInventory inventory,
    DecisionRecorder recorder,
    CorsResponseWriter writer)
{
    public Task InvokeAsync(HttpContext context)
    {
        var policies = store.Current;
        var endpoint = context.GetEndpoint();
        var metadata = EndpointPolicies.MetadataOf(endpoint);
        if (context.Response.StatusCode >= StatusCodes.Status400BadRequest && ReExecution.IsReExecuted(context))
        {
            return CorsResponseWriter.ContinueReExecuted(context, metadata, next);
        }

        var policy = EndpointPolicies.Resolve(policies, metadata);
        if (policy.OriginStore is not null && !originStores.TryResolve(context, policy, out policy))
        {
            return DecideForStoreKeyAsync(context, policies, EndpointPolicies.Resolve(policies, metadata), endpoint, metadata);
        }

        return DecideAndApply(context, policies, policy, endpoint, metadata);
    }

    private Task DecideAndApply(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, Endpoint? endpoint, ICorsMetadata? metadata)
    {
        var request = new HttpRequestFacts(context, endpoint, callbacks, inventory);
        var decision = CorsEngine.Decide(policy, ref request);
        recorder.Record(policy, decision, ref request);
        return writer.Apply(context, policies, policy, metadata, decision, next);
    }

    /// <summary>A policy whose origins come from the store, for a key whose list must be asked for first.</summary>
    private async Task DecideForStoreKeyAsync(HttpContext context, CompiledPolicySet policies, CompiledPolicy policy, Endpoint? endpoint, ICorsMetadata? metadata) =>
        await DecideAndApply(context, policies, await originStores.ResolveAsync(context, policy).ConfigureAwait(false), endpoint, metadata).ConfigureAwait(false);
}
