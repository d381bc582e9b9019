using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Diagnostics;

/// <summary>
/// CorsKit's log events. EventIds are stable: dashboards and alerts may depend on them.
/// Request values are attacker-controlled: they are sanitized, and only when the event is enabled.
/// </summary>
internal static partial class CorsKitLog
{
    public static void PreflightDenied(ILogger logger, string policy, in CorsDecision decision, StringValues origin)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            PreflightDeniedCore(logger, policy, decision.Reason, LogValue.Sanitize(origin.ToString()), LogValue.Sanitize(decision.Detail.Span));
        }
    }

    public static void OriginNotAllowed(ILogger logger, string policy, in CorsDecision decision, StringValues origin)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            OriginNotAllowedCore(logger, policy, decision.Reason, LogValue.Sanitize(origin.ToString()));
        }
    }

    public static void CrossOriginRequestBlocked(ILogger logger, string policy, in CorsDecision decision, string method, StringValues origin)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            CrossOriginRequestBlockedCore(logger, LogValue.Sanitize(method), policy, decision.Reason, LogValue.Sanitize(origin.ToString()));
        }
    }

    public static void PoliciesLoaded(ILogger logger, CorsPolicySet policies)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            PoliciesLoadedCore(logger, string.Join(", ", policies.Names), policies.Default.Name);
        }
    }

    public static void ReloadRefused(ILogger logger, IEnumerable<object> errors) =>
        ReloadRefusedCore(logger, string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}")));

    [LoggerMessage(EventId = 1000, EventName = "PoliciesLoaded", Level = LogLevel.Information,
        Message = "CorsKit policies loaded: {PolicyNames}; default policy: {DefaultPolicy}.")]
    private static partial void PoliciesLoadedCore(ILogger logger, string policyNames, string defaultPolicy);

    [LoggerMessage(EventId = 1001, EventName = "ReloadRefused", Level = LogLevel.Error,
        Message = "CorsKit refused the reloaded configuration; the previous policies stay in force. Errors:{Errors}")]
    private static partial void ReloadRefusedCore(ILogger logger, string errors);

    [LoggerMessage(EventId = 1002, EventName = "ConfigurationWarning", Level = LogLevel.Warning,
        Message = "CorsKit configuration warning: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, object warning);

    [LoggerMessage(EventId = 1003, EventName = "ApplyHeadersFailed", Level = LogLevel.Error,
        Message = "CorsKit could not add CORS headers to the response.")]
    public static partial void ApplyHeadersFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1004, EventName = "RunsBeforeRouting", Level = LogLevel.Warning,
        Message = "app.UseStrictCors() runs before app.UseRouting(): every endpoint gets the default policy. That is right only while no endpoint carries CORS metadata; call UseRouting() first.")]
    public static partial void RunsBeforeRouting(ILogger logger);

    [LoggerMessage(EventId = 2001, EventName = "PreflightDenied", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Preflight denied by policy '{Policy}': {Reason} (Origin: '{Origin}', refused: '{Refused}').")]
    private static partial void PreflightDeniedCore(ILogger logger, string policy, CorsReason reason, string origin, string refused);

    [LoggerMessage(EventId = 2002, EventName = "OriginNotAllowed", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "No CORS headers for origin '{Origin}' under policy '{Policy}': {Reason}.")]
    private static partial void OriginNotAllowedCore(ILogger logger, string policy, CorsReason reason, string origin);

    [LoggerMessage(EventId = 2003, EventName = "CrossOriginRequestBlocked", Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Blocked a cross-origin {Method} from origin '{Origin}' under policy '{Policy}' ({Reason}) before the endpoint ran.")]
    private static partial void CrossOriginRequestBlockedCore(ILogger logger, string method, string policy, CorsReason reason, string origin);
}
