using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Diagnostics;

/// <summary>
/// The configuration side of a denial, for its Development explanation.
/// </summary>
/// <param name="RootPath">The configuration path of the policies, e.g. <c>Cors</c>.</param>
/// <param name="Policies">The policies in force.</param>
/// <param name="EndpointMetadata">
/// The endpoint's deciding CORS metadata as written (<c>[DisableCors]</c>, …) when it selects
/// something other than the default policy; null when the endpoint uses the default policy.
/// </param>
internal sealed record DenialSetting(string RootPath, CompiledPolicySet Policies, string? EndpointMetadata);

/// <summary>What is known of a refused request, made safe to show: request values truncated and escaped.</summary>
internal sealed class DenialFacts
{
    private DenialFacts()
    {
    }

    /// <summary>"Preflight" or "Request".</summary>
    public required string Kind { get; init; }

    public required string Origin { get; init; }

    /// <summary>The origin as sent, unescaped: only for configuration values, once it is known to be canonical.</summary>
    public required string OriginAsSent { get; init; }

    public required int OriginCount { get; init; }

    /// <summary>The refused method or header name, when the reason has one.</summary>
    public required string Detail { get; init; }

    /// <summary>The refused method or header name as sent, unescaped: only for configuration values, once it is known to be a valid name.</summary>
    public required ReadOnlyMemory<char> DetailAsSent { get; init; }

    public required string Method { get; init; }

    public required string Policy { get; init; }

    /// <summary>The policy in force.</summary>
    public required CompiledPolicy InForce { get; init; }

    /// <summary>The policy's configuration path, e.g. <c>Cors:Policies:web</c>.</summary>
    public required string PolicyPath { get; init; }

    public required string RootPath { get; init; }

    /// <summary>Whether the policy is <c>*</c>.</summary>
    public required bool AnyOrigin { get; init; }

    /// <summary>Whether no policy applies (no default policy, or an endpoint whose metadata selects none).</summary>
    public required bool NoPolicy { get; init; }

    /// <summary>Whether the CSRF guard blocked the request before the endpoint.</summary>
    public required bool Blocked { get; init; }

    /// <summary>The configuration and the endpoint, known when the denial is explained in Development; null for logs.</summary>
    public required DenialSetting? Setting { get; init; }

    /// <summary>The facts of a denial; <paramref name="setting"/> is known when it is explained in Development.</summary>
    public static DenialFacts Of(CompiledPolicy policy, in CorsDecision decision, StringValues origin, string method, DenialSetting? setting = null)
    {
        var rootPath = setting?.RootPath ?? string.Empty;
        var originAsSent = origin.Count > 0 ? origin[0] ?? string.Empty : string.Empty;
        return new DenialFacts
        {
            Kind = decision.Kind == CorsRequestKind.Preflight ? "Preflight" : "Request",
            Origin = LogValue.Sanitize(originAsSent),
            OriginAsSent = originAsSent,
            OriginCount = origin.Count,
            Detail = LogValue.Sanitize(decision.Detail.Span),
            DetailAsSent = decision.Detail,
            Method = LogValue.Sanitize(method),
            Policy = policy.Name,
            InForce = policy,
            PolicyPath = $"{rootPath}:Policies:{policy.Name}",
            RootPath = rootPath,
            AnyOrigin = policy.Origins.AllowsAnyOrigin,
            NoPolicy = policy.IsNone,
            Blocked = decision.Result == CorsResult.Blocked,
            Setting = setting,
        };
    }
}
