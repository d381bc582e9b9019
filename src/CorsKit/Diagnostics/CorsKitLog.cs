using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Diagnostics;

/// <summary>
/// CorsKit's log events: one stable EventId per kind of decision, so dashboards and alerts can
/// rely on them. Request values are attacker-controlled: they are truncated and escaped
/// (<see cref="LogValue"/>), and only when the event is enabled. Denials are logged at Debug.
/// </summary>
internal static partial class CorsKitLog
{
    /// <summary>Logs why a preflight or an actual request was denied, under the EventId of its reason.</summary>
    public static void Denied<TRequest>(ILogger logger, CompiledPolicy policy, in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (logger.IsEnabled(LogLevel.Debug) && CorsReasonDescriptor.For(decision.Reason).LogDenial is { } log)
        {
            log(logger, DenialFacts.Of(policy, decision, request.Origin, MethodOf(decision, ref request)));
        }
    }

    /// <summary>Logs a request the CSRF guard blocked before the endpoint, with the reason's tag.</summary>
    public static void Blocked<TRequest>(ILogger logger, CompiledPolicy policy, in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var facts = DenialFacts.Of(policy, decision, request.Origin, request.Method);
            CrossOriginRequestBlocked(logger, facts.Method, facts.Origin, facts.Policy, decision.Reason.Tag());
        }
    }

    /// <summary>The method a denial names: a preflight's is OPTIONS (the method it asks for is in the reason's detail).</summary>
    public static string MethodOf<TRequest>(in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts =>
        decision.Kind == CorsRequestKind.Preflight ? "OPTIONS" : request.Method;

    /// <summary>
    /// An allowed origin sent cookies, but the policy does not allow credentials: a credentialed
    /// fetch will fail in the browser. Logged to explain that failure; the request is not refused.
    /// </summary>
    public static void CredentialsMismatch(ILogger logger, string policy, StringValues origin)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            CredentialsNotAllowed(logger, "Request", LogValue.Sanitize(origin.Count > 0 ? origin[0] : string.Empty), policy);
        }
    }

    public static void OriginNotAllowed(ILogger logger, DenialFacts facts) => OriginNotAllowed(logger, facts.Kind, facts.Origin, facts.Policy);

    public static void OriginMalformed(ILogger logger, DenialFacts facts) => OriginMalformed(logger, facts.Kind, facts.Origin, facts.Policy);

    public static void SeveralOrigins(ILogger logger, DenialFacts facts) => SeveralOrigins(logger, facts.Kind, facts.OriginCount, facts.Policy);

    public static void NullOrigin(ILogger logger, DenialFacts facts) => NullOrigin(logger, facts.Kind, facts.Policy);

    public static void MethodNotAllowed(ILogger logger, DenialFacts facts) => MethodNotAllowed(logger, facts.Origin, facts.Detail, facts.Policy);

    public static void HeaderNotAllowed(ILogger logger, DenialFacts facts) => HeaderNotAllowed(logger, facts.Origin, facts.Detail, facts.Policy);

    public static void OriginStoreUnavailable(ILogger logger, DenialFacts facts) => OriginStoreUnavailableCore(logger, facts.Kind, facts.Origin, facts.Policy);

    /// <summary>Logs, as the audit event, how a store key's list changed since CorsKit last saw it.</summary>
    public static void StoreOriginsChanged(ILogger logger, string policy, string key, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var added = after.Except(before, StringComparer.Ordinal).Select(o => $"{Environment.NewLine}  - widened: Policies:{policy}:OriginStore[{key}]: added '{o}'.").ToList();
        var removed = before.Except(after, StringComparer.Ordinal).Select(o => $"{Environment.NewLine}  - narrowed: Policies:{policy}:OriginStore[{key}]: removed '{o}'.").ToList();
        AccessChangedCore(logger, added.Count > 0 ? "widened" : "narrowed only", $"by the origin store, for key '{key}' of policy '{policy}'",
            $"{added.Count} change(s) widened it, {removed.Count} narrowed it", string.Concat(added.Concat(removed)));
    }

    [LoggerMessage(EventId = CorsKitEventIds.StoreOriginRefused, EventName = nameof(CorsKitEventIds.StoreOriginRefused), Level = LogLevel.Warning,
        Message = "The origin store gave policy '{Policy}' an origin for key '{Key}' that configuration would refuse, so it is never matched (the key's valid origins still are): {Reason}")]
    public static partial void StoreOriginRefused(ILogger logger, string policy, string key, string reason);

    [LoggerMessage(EventId = CorsKitEventIds.OriginStoreFailed, EventName = nameof(CorsKitEventIds.OriginStoreFailed), Level = LogLevel.Error,
        Message = "The origin store {Outcome} for key '{Key}' of policy '{Policy}'; serving the key's last good list: {ServingStale}; otherwise its origins are denied (fail closed). "
            + "{LeftOut} more failure(s) since the last such message.")]
    public static partial void OriginStoreFailed(ILogger logger, string policy, string key, string outcome, bool servingStale, int leftOut, Exception exception);

    [LoggerMessage(EventId = CorsKitEventIds.OriginStoreUnavailable, EventName = nameof(CorsKitEventIds.OriginStoreUnavailable), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} from origin '{Origin}' denied: policy '{Policy}' takes this key's origins from the origin store, which is failing.")]
    private static partial void OriginStoreUnavailableCore(ILogger logger, string kind, string origin, string policy);

    public static void PrivateNetworkNotAllowed(ILogger logger, DenialFacts facts) => PrivateNetworkNotAllowed(logger, facts.Origin, facts.Policy);

    /// <summary>Logs the policies now in force: their names, the default policy, and each policy's effective origins (after every configuration source is layered).</summary>
    public static void PoliciesLoaded(ILogger logger, CompiledPolicySet policies)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var named = policies.Names.Order(StringComparer.OrdinalIgnoreCase).Select(name => policies.Find(name)!).ToList();
            PoliciesLoadedCore(
                logger,
                named.Count == 0 ? "none" : string.Join(", ", named.Select(p => p.Name)),
                policies.Default.Name,
                named.Count == 0 ? "none" : string.Join("; ", named.Select(p => $"{p.Name}: {string.Join(", ", p.Origins.Listed)}")));
        }
    }

    /// <summary>
    /// Logs what changed in access between the policies in force before (null at startup: no
    /// cross-origin access) and after; on a reload, nothing when nothing changed.
    /// </summary>
    public static void AccessChanged(ILogger logger, CompiledPolicySet? before, CompiledPolicySet after, string rootPath)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var changes = AccessComparer.Compare(before ?? AccessComparer.Nothing, after, rootPath);
        if (before is null || changes.Changes.Count > 0)
        {
            var occasion = before is null ? "at startup, compared with no cross-origin access" : "by the reloaded configuration";
            AccessChangedCore(logger, changes.VerdictWords, occasion, changes.Counts, Bulleted(changes.Changes));
        }
    }

    public static void ReloadRefused(ILogger logger, IEnumerable<object> errors) => ReloadRefusedCore(logger, Bulleted(errors));

    /// <summary>One line per item, each on a new line and indented: the items of a multi-line message.</summary>
    private static string Bulleted(IEnumerable<object> items) => string.Concat(items.Select(e => $"{Environment.NewLine}  - {e}"));

    [LoggerMessage(EventId = CorsKitEventIds.PoliciesLoaded, EventName = nameof(CorsKitEventIds.PoliciesLoaded), Level = LogLevel.Information,
        Message = "CorsKit policies loaded: {PolicyNames}; default policy: {DefaultPolicy}. Effective origins: {Origins}.")]
    private static partial void PoliciesLoadedCore(ILogger logger, string policyNames, string defaultPolicy, string origins);

    [LoggerMessage(EventId = CorsKitEventIds.ReloadRefused, EventName = nameof(CorsKitEventIds.ReloadRefused), Level = LogLevel.Error,
        Message = "CorsKit refused the reloaded configuration; the previous policies stay in force. Errors:{Errors}")]
    private static partial void ReloadRefusedCore(ILogger logger, string errors);

    [LoggerMessage(EventId = CorsKitEventIds.ConfigurationWarning, EventName = nameof(CorsKitEventIds.ConfigurationWarning), Level = LogLevel.Warning,
        Message = "CorsKit configuration warning: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, object warning);

    [LoggerMessage(EventId = CorsKitEventIds.ApplyHeadersFailed, EventName = nameof(CorsKitEventIds.ApplyHeadersFailed), Level = LogLevel.Error,
        Message = "CorsKit could not add CORS headers to the response.")]
    public static partial void ApplyHeadersFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = CorsKitEventIds.RunsBeforeRouting, EventName = nameof(CorsKitEventIds.RunsBeforeRouting), Level = LogLevel.Warning,
        Message = "app.UseStrictCors() runs before app.UseRouting(): every endpoint gets the default policy. That is right only while no endpoint carries CORS metadata; call UseRouting() first.")]
    public static partial void RunsBeforeRouting(ILogger logger);

    [LoggerMessage(EventId = CorsKitEventIds.RemoteAuthenticationCallbacks, EventName = nameof(CorsKitEventIds.RemoteAuthenticationCallbacks), Level = LogLevel.Information,
        Message = "CorsKit lets cross-site form posts reach the callback paths of the remote authentication schemes, as AllowCrossOriginFormPosts does for endpoints: {Callbacks}.")]
    public static partial void RemoteAuthenticationCallbacks(ILogger logger, string callbacks);

    [LoggerMessage(EventId = CorsKitEventIds.RemoteAuthenticationCallbacksUnreadable, EventName = nameof(CorsKitEventIds.RemoteAuthenticationCallbacksUnreadable), Level = LogLevel.Warning,
        Message = "CorsKit could not read the callback paths of the authentication scheme '{Scheme}', so cross-site form posts to them stay blocked.")]
    public static partial void RemoteAuthenticationCallbacksUnreadable(ILogger logger, string scheme, Exception exception);

    [LoggerMessage(EventId = CorsKitEventIds.ConfigurationSectionIgnored, EventName = nameof(CorsKitEventIds.ConfigurationSectionIgnored), Level = LogLevel.Warning,
        Message = "CorsKit uses the policies written in code (AddStrictCors(o => …)) and ignores the configuration section '{Section}'. "
            + "To use the section instead, call AddStrictCors() (or AddStrictCors(configuration) for another section) without the code; otherwise remove the section.")]
    public static partial void ConfigurationSectionIgnored(ILogger logger, string section);

    [LoggerMessage(EventId = CorsKitEventIds.FrameworkCorsUsed, EventName = nameof(CorsKitEventIds.FrameworkCorsUsed), Level = LogLevel.Error,
        Message = "The framework's CORS middleware (app.UseCors()) is in the pipeline next to CorsKit. Whichever runs first answers every preflight, so CorsKit keeps it from writing any CORS header "
            + "where CorsKit enforces: its preflights fail and its policies grant nothing. Remove app.UseCors() and services.AddCors(...), and move their policies to the Cors:Policies section. Logged once.")]
    public static partial void FrameworkCorsUsed(ILogger logger);

    [LoggerMessage(EventId = CorsKitEventIds.FrameworkCorsNextToReportOnly, EventName = nameof(CorsKitEventIds.FrameworkCorsNextToReportOnly), Level = LogLevel.Information,
        Message = "The framework's CORS middleware answers next to CorsKit, which only reports (Mode: ReportOnly): the migration setup. Once the reports are clean, switch CorsKit to Enforce and remove app.UseCors() and services.AddCors(...).")]
    public static partial void FrameworkCorsNextToReportOnly(ILogger logger);

    [LoggerMessage(EventId = CorsKitEventIds.ConfigurationLayersUnseen, EventName = nameof(CorsKitEventIds.ConfigurationLayersUnseen), Level = LogLevel.Information,
        Message = "CorsKit binds '{Section}', which is not a section of the app's configuration, so it cannot see the configuration providers behind it. "
            + "A reload that loses one of their layers (a file deleted or no longer parsing, a store that reloads empty) is judged on what remains; only a reload that loses the whole section is refused. "
            + "To have such reloads refused, add those sources to the app's configuration (builder.Configuration) and bind a section of it.")]
    public static partial void ConfigurationLayersUnseen(ILogger logger, string section);

    [LoggerMessage(EventId = CorsKitEventIds.EndpointPolicyProblem, EventName = nameof(CorsKitEventIds.EndpointPolicyProblem), Level = LogLevel.Error,
        Message = "An endpoint added after startup has a CORS problem, and CorsKit denies it every cross-origin access until it is fixed: {Problem}")]
    public static partial void EndpointPolicyProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = CorsKitEventIds.CorsHeadersBeforeCorsKit, EventName = nameof(CorsKitEventIds.CorsHeadersBeforeCorsKit), Level = LogLevel.Error,
        Message = "Access-Control-* headers were already on the response to a request to '{Path}' when CorsKit ran: another CORS middleware runs before it. CorsKit removed them and applies its own policy; remove the other middleware. Logged once.")]
    public static partial void CorsHeadersBeforeCorsKit(ILogger logger, string path);

    /// <summary>Logs the inventory of exemptions: what an auditor asks for, in one line.</summary>
    public static void EndpointInventory(
        ILogger logger, IReadOnlyList<string> acceptFormPosts, IReadOnlyList<string> callbackPaths, IReadOnlyList<string> disabled, IReadOnlyList<string> corsHeadersLeftToEndpoint)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
            EndpointInventoryCore(logger, List(acceptFormPosts), List(callbackPaths), List(disabled), List(corsHeadersLeftToEndpoint));
        }
    }

    [LoggerMessage(EventId = CorsKitEventIds.EndpointInventory, EventName = nameof(CorsKitEventIds.EndpointInventory), Level = LogLevel.Information,
        Message = "CorsKit exemptions. Cross-origin form posts accepted by: {FormPosts}. Authentication callback paths (form posts for their handlers only): {Callbacks}. "
            + "Cross-origin access disabled on: {Disabled}. CORS headers left to the endpoint on: {LeftToEndpoint}.")]
    private static partial void EndpointInventoryCore(ILogger logger, string formPosts, string callbacks, string disabled, string leftToEndpoint);

    [LoggerMessage(EventId = CorsKitEventIds.CorsHeadersOverridden, EventName = nameof(CorsKitEventIds.CorsHeadersOverridden), Level = LogLevel.Warning,
        Message = "Access-Control-* headers that another component wrote (the endpoint, a filter, a cache or a proxied backend) were replaced by CorsKit's decision on a response of endpoint '{Endpoint}': "
            + "CorsKit owns these headers on every response it decides. Stop writing them there. Logged once per endpoint.")]
    public static partial void CorsHeadersOverridden(ILogger logger, string endpoint);

    [LoggerMessage(EventId = CorsKitEventIds.AccessChanged, EventName = nameof(CorsKitEventIds.AccessChanged), Level = LogLevel.Information,
        Message = "CorsKit access {Verdict} {Occasion} ({Counts}).{Changes}")]
    private static partial void AccessChangedCore(ILogger logger, string verdict, string occasion, string counts, string changes);

    [LoggerMessage(EventId = CorsKitEventIds.OriginNotAllowed, EventName = nameof(CorsKitEventIds.OriginNotAllowed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} from origin '{Origin}' denied: policy '{Policy}' does not allow this origin.")]
    private static partial void OriginNotAllowed(ILogger logger, string kind, string origin, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.OriginMalformed, EventName = nameof(CorsKitEventIds.OriginMalformed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} denied under policy '{Policy}': the Origin header '{Origin}' is not a browser-canonical origin, so no browser sent it.")]
    private static partial void OriginMalformed(ILogger logger, string kind, string origin, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.SeveralOrigins, EventName = nameof(CorsKitEventIds.SeveralOrigins), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} denied under policy '{Policy}': it carries {Count} Origin headers; browsers send exactly one.")]
    private static partial void SeveralOrigins(ILogger logger, string kind, int count, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.NullOrigin, EventName = nameof(CorsKitEventIds.NullOrigin), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} from the opaque origin 'null' denied under policy '{Policy}': null is never allowed (sandboxed iframes, file: pages and redirects send it).")]
    private static partial void NullOrigin(ILogger logger, string kind, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.MethodNotAllowed, EventName = nameof(CorsKitEventIds.MethodNotAllowed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Preflight from origin '{Origin}' denied: policy '{Policy}' does not allow the method '{Method}'.")]
    private static partial void MethodNotAllowed(ILogger logger, string origin, string method, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.HeaderNotAllowed, EventName = nameof(CorsKitEventIds.HeaderNotAllowed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Preflight from origin '{Origin}' denied: policy '{Policy}' does not allow the request header '{Header}'.")]
    private static partial void HeaderNotAllowed(ILogger logger, string origin, string header, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.CredentialsNotAllowed, EventName = nameof(CorsKitEventIds.CredentialsNotAllowed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "{Kind} from origin '{Origin}' carries cookies, but policy '{Policy}' does not allow credentials: a credentialed fetch cannot read the response.")]
    private static partial void CredentialsNotAllowed(ILogger logger, string kind, string origin, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.PrivateNetworkNotAllowed, EventName = nameof(CorsKitEventIds.PrivateNetworkNotAllowed), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Preflight from origin '{Origin}' denied: it asks for private network access, which policy '{Policy}' does not allow.")]
    private static partial void PrivateNetworkNotAllowed(ILogger logger, string origin, string policy);

    [LoggerMessage(EventId = CorsKitEventIds.CrossOriginRequestBlocked, EventName = nameof(CorsKitEventIds.CrossOriginRequestBlocked), Level = LogLevel.Debug, SkipEnabledCheck = true,
        Message = "Blocked a cross-origin {Method} from origin '{Origin}' under policy '{Policy}' before the endpoint ran ({Reason}).")]
    private static partial void CrossOriginRequestBlocked(ILogger logger, string method, string origin, string policy, string reason);

    [LoggerMessage(EventId = CorsKitEventIds.CallbackNotConsumed, EventName = nameof(CorsKitEventIds.CallbackNotConsumed), Level = LogLevel.Debug,
        Message = "Blocked a cross-site form post to the remote authentication callback path '{Path}': its handler did not consume it, and the endpoint routing selected there does not accept cross-origin form posts.")]
    public static partial void CallbackNotConsumed(ILogger logger, string path);
}
