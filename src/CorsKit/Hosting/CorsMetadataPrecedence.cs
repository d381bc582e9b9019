using System.Reflection;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;

namespace CorsKit.Hosting;

/// <summary>
/// Picks the CORS metadata that decides an endpoint carrying several pieces of it, by how
/// specific each is, instead of the framework's "last added wins", under which a convention such
/// as <c>MapControllers().RequireCors("x")</c> (added after every attribute) would override an
/// action's <c>[DisableCors]</c>. From most to least specific:
/// <list type="bullet">
/// <item>controller actions: the action's attributes; then its controller's, a derived class's
/// over its base class's; then conventions (route groups, <c>MapControllers()</c>), the last
/// applied winning;</item>
/// <item>other endpoints (minimal APIs): the endpoint's own conventions and its handler's
/// attributes; then its route groups', inner over outer, in the framework's order.</item>
/// </list>
/// Two pieces at the same level that disagree cannot be ordered: the result is a
/// <see cref="ContradictingCorsMetadata"/>, which stops the app at startup and denies everything
/// if it only appears later.
/// </summary>
internal static class CorsMetadataPrecedence
{
    /// <summary>The deciding metadata of an endpoint with at least two pieces of CORS metadata.</summary>
    public static ICorsMetadata Decide(Endpoint endpoint)
    {
        var all = endpoint.Metadata.GetOrderedMetadata<ICorsMetadata>();
        return endpoint.Metadata.GetMetadata<ActionDescriptor>() switch
        {
            ControllerActionDescriptor action => DecideForAction(endpoint, action, all),
            { } page => DecideForPage(page, all),
            null => DecideForRouteHandler(endpoint, all),
        };
    }

    /// <summary>Whether two pieces of metadata select the same thing: the same named policy, the default one, or none.</summary>
    public static bool SameMeaning(ICorsMetadata a, ICorsMetadata b) =>
        (Kind(a), Kind(b)) switch
        {
            (MetadataKind.Named, MetadataKind.Named) => string.Equals(PolicyName(a), PolicyName(b), StringComparison.OrdinalIgnoreCase),
            var (x, y) => x == y && x != MetadataKind.Inline,
        };

    /// <summary>The metadata as a user wrote it, for messages.</summary>
    public static string Describe(ICorsMetadata metadata) => metadata switch
    {
        StrictCorsAttribute strict => $"[StrictCors(\"{strict.PolicyName}\")] (policy '{strict.PolicyName}')",
        IEnableCorsAttribute { PolicyName: { } name } => $"[EnableCors(\"{name}\")] (policy '{name}')",
        IEnableCorsAttribute => "[EnableCors] (the default policy)",
        DisableStrictCorsAttribute => "[DisableStrictCors]",
        IDisableCorsAttribute => "[DisableCors]",
        _ => "a CORS policy built in code",
    };

    private static ICorsMetadata DecideForAction(Endpoint endpoint, ControllerActionDescriptor action, IReadOnlyList<ICorsMetadata> all)
    {
        var onAction = CorsAttributes(action.MethodInfo.GetCustomAttributes(inherit: true));
        if (onAction.Count > 0)
        {
            return Agreeing(endpoint, onAction, "on its action");
        }

        for (var type = action.ControllerTypeInfo.AsType(); type is not null; type = type.BaseType)
        {
            var onType = CorsAttributes(type.GetCustomAttributes(inherit: false));
            if (onType.Count > 0)
            {
                return Agreeing(endpoint, onType, $"on its controller class {type.Name}");
            }
        }

        return DecideForPage(action, all);
    }

    /// <summary>
    /// Metadata in the action descriptor came from attributes (or application model conventions,
    /// which work on the same model): it wins over endpoint conventions, added after it.
    /// </summary>
    private static ICorsMetadata DecideForPage(ActionDescriptor action, IReadOnlyList<ICorsMetadata> all)
    {
        for (var i = all.Count - 1; i >= 0; i--)
        {
            if (action.EndpointMetadata.Any(m => ReferenceEquals(m, all[i])))
            {
                return all[i];
            }
        }

        return all[^1];
    }

    /// <summary>
    /// The framework adds a route handler's metadata in order of specificity: its groups'
    /// conventions (outer first), then its handler's attributes, then the endpoint's own
    /// conventions. The last wins, but a handler attribute and an endpoint convention are
    /// equally specific: they must agree.
    /// </summary>
    private static ICorsMetadata DecideForRouteHandler(Endpoint endpoint, IReadOnlyList<ICorsMetadata> all)
    {
        var onHandler = endpoint.Metadata.GetMetadata<MethodInfo>() is { } handler
            ? CorsAttributes(handler.GetCustomAttributes(inherit: true))
            : [];
        if (onHandler.Count == 0)
        {
            return all[^1];
        }

        var attribute = Agreeing(endpoint, onHandler, "on its handler");
        var lastAttribute = all.Count - 1;
        while (lastAttribute >= 0 && !onHandler.Any(a => a.GetType() == all[lastAttribute].GetType() && SameMeaning(a, all[lastAttribute])))
        {
            lastAttribute--;
        }

        if (attribute is ContradictingCorsMetadata || lastAttribute == all.Count - 1)
        {
            return attribute;
        }

        var convention = all[^1];
        return SameMeaning(attribute, convention)
            ? convention
            : Contradiction(endpoint, attribute, convention, "on the endpoint itself (its handler's attribute and its own convention)");
    }

    private static List<ICorsMetadata> CorsAttributes(object[] attributes) => attributes.OfType<ICorsMetadata>().ToList();

    private static ICorsMetadata Agreeing(Endpoint endpoint, List<ICorsMetadata> level, string where)
    {
        var disagreeing = level.Find(m => !SameMeaning(m, level[0]));
        return disagreeing is null ? level[0] : Contradiction(endpoint, level[0], disagreeing, where);
    }

    private static ContradictingCorsMetadata Contradiction(Endpoint endpoint, ICorsMetadata first, ICorsMetadata second, string where) =>
        new($"Endpoint '{endpoint.DisplayName ?? "(unnamed endpoint)"}' carries contradicting CORS metadata at the same level ({where}): "
            + $"{Describe(first)} and {Describe(second)}. CorsKit cannot tell which one you mean, so it would deny every cross-origin request. Keep one.");

    private static MetadataKind Kind(ICorsMetadata metadata) => metadata switch
    {
        StrictCorsAttribute => MetadataKind.Named,
        IEnableCorsAttribute { PolicyName: not null } => MetadataKind.Named,
        IEnableCorsAttribute => MetadataKind.Default,
        ICorsPolicyMetadata => MetadataKind.Inline,
        ContradictingCorsMetadata => MetadataKind.Inline,
        _ => MetadataKind.Disabled,
    };

    private static string? PolicyName(ICorsMetadata metadata) =>
        (metadata as StrictCorsAttribute)?.PolicyName ?? (metadata as IEnableCorsAttribute)?.PolicyName;

    private enum MetadataKind
    {
        Named,
        Default,
        Disabled,
        Inline,
    }
}

/// <summary>
/// Stands for an endpoint's CORS metadata when two pieces at the same level disagree: startup
/// reports <see cref="Message"/>; a request to such an endpoint gets no cross-origin access.
/// </summary>
internal sealed class ContradictingCorsMetadata(string message) : ICorsMetadata
{
    public string Message { get; } = message;
}
