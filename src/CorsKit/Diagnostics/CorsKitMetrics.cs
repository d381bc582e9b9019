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
    private readonly Counter<long> _storeQueries;
    private readonly Meter _meter;

    public CorsKitMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsCounter, unit: "{request}", description: "Requests seen by CorsKit, by kind, result, policy and reason.");
        _storeQueries = meter.CreateCounter<long>(CorsKitMeter.OriginStoreQueriesCounter, unit: "{query}",
            description: "Queries to the origin store, by policy and result (found, unknown_key, failed, timed_out, over_limit).");
    }

    /// <param name="decision">The decision.</param>
    /// <param name="policy">The policy's name.</param>
    /// <param name="reportOnly">Whether the decision was only reported, not applied (tag <c>cors.mode</c>).</param>
    public void Record(in CorsDecision decision, string policy, bool reportOnly = false)
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
            { "cors.mode", reportOnly ? "report_only" : "enforce" },
        };
        _requests.Add(1, tags);
    }

    /// <summary>Publishes the origin store's held keys per policy (<c>corskit.origin_store.keys</c>), read when a listener collects.</summary>
    public void ObserveStoreKeys(Func<IEnumerable<Measurement<int>>> observe) =>
        _meter.CreateObservableGauge(CorsKitMeter.OriginStoreKeysGauge, observe, unit: "{key}",
            description: "Keys the origin store's cache holds, known and unknown, by policy; at most the policy's MaxKeys.");

    /// <param name="policy">The policy whose origins come from the store.</param>
    /// <param name="result"><c>found</c>, <c>unknown_key</c>, <c>failed</c>, <c>timed_out</c> or <c>over_limit</c>.</param>
    public void RecordStoreQuery(string policy, string result)
    {
        if (_storeQueries.Enabled)
        {
            _storeQueries.Add(1, new KeyValuePair<string, object?>("cors.policy", policy), new KeyValuePair<string, object?>("result", result));
        }
    }
}
