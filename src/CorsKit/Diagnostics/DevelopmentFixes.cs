using CorsKit.Fetch;
using CorsKit.Origins;
using CorsKit.Policies;

namespace CorsKit.Diagnostics;

/// <summary>
/// The fix of each denial reason that depends on more than its words: a configuration change only
/// when validation accepts it and it lets the request through, and otherwise what the client or
/// the endpoint must change. A request that fails several checks gets the fix of the first.
/// </summary>
internal static class DevelopmentFixes
{
    private const string NamePolicy = "name a policy on the endpoint with .RequireStrictCors(\"<name>\") or [StrictCors(\"<name>\")]";
    private const string NothingToConfigure = "fix the client that sent it; nothing to configure";

    public static DevelopmentFix OriginNotAllowed(DenialFacts f)
    {
        if (f.NoPolicy)
        {
            return f.Setting?.EndpointMetadata is { } metadata
                ? DevelopmentFix.NotConfiguration($"Remove {metadata} from the endpoint, its controller or hub, or the route group that carries it, "
                    + $"or {NamePolicy} instead; {f.RootPath}:DefaultPolicy does not apply to an endpoint whose metadata selects no policy.")
                : NoDefaultPolicy(f);
        }

        if (OriginsValidator.NeverSentMessage(f.OriginAsSent) is { } neverSent)
        {
            return DevelopmentFix.NotConfiguration($"No browser sent this request, and validation refuses the origin: {neverSent}");
        }

        if (f.InForce.OriginStore is { } store)
        {
            // The configured Origins join every key's list: adding one tenant's origin there would
            // give it every tenant's data. The origin belongs in the store, under the request's key.
            var formPosts = f.Blocked ? " (Or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts().)" : string.Empty;
            return DevelopmentFix.NotConfiguration($"Policy '{f.Policy}' takes its origins from the application's origin store, per key ({store.KeyDescription}): "
                + $"if \"{f.OriginAsSent}\" belongs to the tenant this request named, add it to that key's list in the store, then call "
                + $"IStrictCorsOriginCache.Invalidate(\"{f.Policy}\", key) or wait {f.PolicyPath}:OriginStore:RefreshSeconds. "
                + $"{f.PolicyPath}:Origins joins every key's list: add it there only if every tenant may use it.{formPosts}");
        }

        return Edit(f).Add(nameof(StrictCorsPolicyOptions.Origins), f.OriginAsSent).Fix(steps => f.Blocked
            ? $"{Capitalized(steps)}, or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts()."
            : $"{Capitalized(steps)}.");
    }

    public static DevelopmentFix MethodNotAllowed(DenialFacts f)
    {
        var method = f.DetailAsSent.ToString();
        if (!HttpToken.IsValid(method))
        {
            return DevelopmentFix.NotConfiguration(method.Length == 0
                ? $"A browser's preflight names exactly one method in Access-Control-Request-Method: {NothingToConfigure}."
                : $"'{f.Detail}' is not a method name (an HTTP token), so no browser asked for it: {NothingToConfigure}.");
        }

        if (HttpMethodRules.IsForbidden(method))
        {
            return DevelopmentFix.NotConfiguration($"fetch() and XMLHttpRequest never send '{method}', so no browser asked for it: {NothingToConfigure}.");
        }

        var sent = HttpMethodRules.Normalize(method);
        if (sent != method)
        {
            var allowed = HttpMethodRules.IsCorsSafelisted(sent) || f.InForce.Methods.Contains(sent) || f.InForce.Methods.ContainsWildcard;
            return DevelopmentFix.NotConfiguration($"Browsers uppercase '{method}' to '{sent}' before sending it, so no browser's fetch() sent this preflight: "
                + $"the client must send '{sent}'" + (allowed ? $", which policy '{f.Policy}' allows." : $", and policy '{f.Policy}' must allow it: add \"{sent}\" to {f.PolicyPath}:Methods."));
        }

        if (f.InForce.Methods.Names.FirstOrDefault(m => m.Equals(method, StringComparison.OrdinalIgnoreCase)) is { } listed)
        {
            return DevelopmentFix.NotConfiguration($"Methods are case-sensitive, and policy '{f.Policy}' lists '{listed}': the page must send '{listed}' "
                + "(fetch() sends a method as written, uppercasing only DELETE, GET, HEAD, OPTIONS, POST and PUT).");
        }

        return Edit(f).Add(nameof(StrictCorsPolicyOptions.Methods), method).Fix(steps => $"{Capitalized(steps)}.");
    }

    public static DevelopmentFix HeaderNotAllowed(DenialFacts f)
    {
        var header = f.DetailAsSent.ToString();
        if (!HttpToken.IsValid(header))
        {
            return DevelopmentFix.NotConfiguration($"'{f.Detail}' is not a header name (an HTTP token), so no browser asked for it: {NothingToConfigure}.");
        }

        if (FetchHeaderNames.IsForbiddenRequestHeader(header))
        {
            return DevelopmentFix.NotConfiguration($"Browsers never let a page set '{header}' (a forbidden request header), so no browser's preflight asks for it: {NothingToConfigure}.");
        }

        return Edit(f).Add(nameof(StrictCorsPolicyOptions.Headers), header).Fix(steps => $"{Capitalized(steps)}.");
    }

    public static DevelopmentFix PrivateNetworkNotAllowed(DenialFacts f) => f.InForce.AllowPrivateNetwork
        ? DevelopmentFix.NotConfiguration($"Browsers send Access-Control-Request-Private-Network exactly once, as 'true': {NothingToConfigure}.")
        : Edit(f).Allow(nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), f.OriginAsSent).Fix(steps => $"{Capitalized(steps)}.");

    public static DevelopmentFix CredentialsNotAllowed(DenialFacts f) =>
        Edit(f).Allow(nameof(StrictCorsPolicyOptions.AllowCredentials), f.OriginAsSent)
            .Fix(steps => $"If \"{f.OriginAsSent}\" may act with the user's credentials, {steps}; otherwise keep cookies away from the request: "
                + "the browser sends every cookie of the API's host, so a bearer-token API (or SignalR hub) needs a host no cookie is set for (no affinity cookie, no other app's cookie).");

    /// <summary>
    /// The endpoint uses the default policy and none is set: the first policy (by name) that allows
    /// the origin becomes the default; else the first policy, given the origin; else a new one.
    /// </summary>
    private static DevelopmentFix NoDefaultPolicy(DenialFacts f)
    {
        var defaultPolicy = $"{f.RootPath}:{nameof(StrictCorsOptions.DefaultPolicy)}";
        var policies = f.Setting?.Policies is { } set ? set.Names.Order(StringComparer.Ordinal).Select(n => set.Find(n)!).ToList() : [];
        if (policies.Find(p => p.Origins.Match(f.OriginAsSent) == OriginVerdict.Allowed) is { } allowing)
        {
            return new DevelopmentFix($"Set {defaultPolicy} to \"{allowing.Name}\", which allows '{f.Origin}', or {NamePolicy}.",
                [ConfigurationChange.Set(defaultPolicy, allowing.Name)]);
        }

        var (policy, name) = policies.Count > 0 ? (policies[0], policies[0].Name) : (CompiledPolicy.DenyAll, "default");
        return new PolicyEdit(policy, $"{f.RootPath}:{nameof(StrictCorsOptions.Policies)}:{name}")
            .Step(ConfigurationChange.Set(defaultPolicy, name), $"set {defaultPolicy} to \"{name}\"")
            .Add(nameof(StrictCorsPolicyOptions.Origins), f.OriginAsSent)
            .Fix(steps => $"{Capitalized(steps)}, or {NamePolicy}.");
    }

    private static PolicyEdit Edit(DenialFacts f) => new(f.InForce, f.PolicyPath);

    private static string Capitalized(string text) => string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1));
}
