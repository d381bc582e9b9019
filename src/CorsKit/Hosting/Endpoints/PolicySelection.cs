using Microsoft.AspNetCore.Cors.Infrastructure;

namespace CorsKit.Hosting.Endpoints;

/// <summary>What a piece of CORS metadata selects.</summary>
internal enum PolicySelectionKind : byte
{
    /// <summary>No metadata: the configured default policy.</summary>
    Default,

    /// <summary><c>[EnableCors]</c> without a name: the default policy, which must then be configured.</summary>
    ExplicitDefault,

    /// <summary>A policy by name: <c>[StrictCors("x")]</c>, <c>[EnableCors("x")]</c>, <c>RequireCors("x")</c>.</summary>
    Named,

    /// <summary>No cross-origin access: <c>[DisableStrictCors]</c>, <c>[DisableCors]</c>.</summary>
    Disabled,

    /// <summary>A policy built in code (<c>RequireCors(p =&gt; ...)</c>), which CorsKit refuses.</summary>
    BuiltInCode,

    /// <summary>Contradicting metadata at one level (<see cref="ContradictingCorsMetadata"/>), which CorsKit refuses.</summary>
    Contradiction,
}

/// <summary>
/// The one reading of endpoint CORS metadata, CorsKit's or the framework's: what it selects.
/// Resolving a request's policy, ordering metadata by precedence and checking endpoints at startup
/// all go through it.
/// </summary>
internal readonly record struct PolicySelection(PolicySelectionKind Kind, string? Name = null)
{
    public static PolicySelection Of(ICorsMetadata? metadata) => metadata switch
    {
        null => new(PolicySelectionKind.Default),
        StrictCorsAttribute strict => new(PolicySelectionKind.Named, strict.PolicyName),
        IEnableCorsAttribute { PolicyName: { } name } => new(PolicySelectionKind.Named, name),
        IEnableCorsAttribute => new(PolicySelectionKind.ExplicitDefault),
        ContradictingCorsMetadata => new(PolicySelectionKind.Contradiction),
        ICorsPolicyMetadata => new(PolicySelectionKind.BuiltInCode),
        _ => new(PolicySelectionKind.Disabled),
    };

    /// <summary>Whether two selections mean the same: names compare ignoring case; refused kinds never agree.</summary>
    public bool SameAs(PolicySelection other) =>
        Kind == other.Kind
        && Kind is not (PolicySelectionKind.BuiltInCode or PolicySelectionKind.Contradiction)
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);
}
