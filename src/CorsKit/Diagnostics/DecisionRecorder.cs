using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;

namespace CorsKit.Diagnostics;

/// <summary>
/// Records each decision once, after it is made and before it is applied: the
/// <c>corskit.requests</c> counter (tagged <c>report_only</c> when the outcome is only reported),
/// the Debug log of an applied denial or block, and report-only mode's reports of what would be
/// denied or blocked. Request values are read only for a log that is written.
/// </summary>
internal sealed class DecisionRecorder(CorsKitMetrics metrics, ReportOnlyLog reports, ILogger logger)
{
    public void Record<TRequest>(CompiledPolicy policy, in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        metrics.Record(decision, policy.Name, reportOnly: !decision.Enforced);
        switch (decision.Result)
        {
            case CorsResult.Allowed:
                if (decision.Kind == CorsRequestKind.Actual && decision.CorsEnforced && !policy.AllowCredentials
                    && logger.IsEnabled(LogLevel.Debug) && request.HasCookies)
                {
                    CorsKitLog.CredentialsMismatch(logger, policy.Name, request.Origin);
                }

                break;
            case CorsResult.Denied when decision.Enforced:
                CorsKitLog.Denied(logger, policy, decision, ref request);
                break;
            case CorsResult.Denied:
                reports.WouldDeny(policy, decision, ref request);
                break;
            case CorsResult.Blocked when decision.Enforced:
                CorsKitLog.Blocked(logger, policy, decision, ref request);
                break;
            default:
                reports.WouldBlock(policy, decision, ref request);
                if (decision.CorsEnforced && !decision.OriginAllowed && decision.Kind == CorsRequestKind.Actual)
                {
                    // The guard only reports, but the origin is denied, and that is applied.
                    CorsKitLog.Denied(logger, policy, decision with { Result = CorsResult.Denied }, ref request);
                }

                break;
        }
    }
}
