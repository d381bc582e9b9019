using System.Diagnostics;
using System.Diagnostics.Metrics;
using CorsKit.Engine;

namespace CorsKit.Diagnostics;

/// <summary>
/// The <c>CorsKit</c> meter: a counter <c>corskit.requests</c> tagged with the kind of request,
/// the result, the policy and the reason. Tags come from small fixed sets (and the configured
/// policy names), never from the request: an Origin tag would have unbounded cardinality.
/// Recording allocates nothing, and costs one check when nobody listens.
/// </summary>
internal sealed class CorsKitMetrics
{
    public const string MeterName = CorsKitMeter.Name;
    public const string RequestsCounter = CorsKitMeter.RequestsCounter;

    private readonly Counter<long> _requests;

    public CorsKitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsCounter, unit: "{request}", description: "Requests seen by CorsKit, by kind, result, policy and reason.");
    }

    public void Record(in CorsDecision decision, string policy)
    {
        if (!_requests.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "cors.kind", decision.Kind switch { CorsRequestKind.Preflight => "preflight", CorsRequestKind.Actual => "actual", _ => "not_cors" } },
            { "cors.result", decision.Result switch { CorsResult.Allowed => "allowed", CorsResult.Blocked => "blocked", _ => "denied" } },
            { "cors.policy", policy },
            { "cors.reason", decision.Reason.Tag() },
        };
        _requests.Add(1, tags);
    }
}
