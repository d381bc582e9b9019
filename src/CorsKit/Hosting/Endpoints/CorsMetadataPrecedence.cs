using System.Reflection;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.SignalR;

namespace CorsKit.Hosting.Endpoints;

/// <summary>
/// Picks the CORS metadata that decides an endpoint carrying several pieces of it, by how
/// specific each is, instead of the framework's "last added wins", under which a convention such
/// as <c>MapControllers().RequireCors("x")</c> (added after every attribute) would override an
/// action's <c>[DisableCors]</c>. The attributes of the thing an endpoint is built from win over
/// conventions. From most to least specific:
/// <list type="bullet">
/// <item>controller actions: the action's attributes; then its controller's, a derived class's
/// over its base class's; then conventions (route groups, <c>MapControllers()</c>);</item>
/// <item>Razor Pages: the page's attributes, its page model's and those of its .cshtml
/// (<c>@attribute</c>) together; then their base classes'; then conventions of the pages' options
/// (<c>RazorPagesOptions.Conventions</c>: a folder, a page), which are in the action descriptor; then
/// conventions on <c>MapRazorPages()</c> and route groups;</item>
/// <item>Razor components: the component class's attributes, a derived class's over its base
/// class's; then conventions (<c>MapRazorComponents&lt;App&gt;()</c>, route groups);</item>
/// <item>SignalR hubs: the hub class's attributes, a derived class's over its base class's; then
/// conventions;</item>
/// <item>other actions: metadata in the action descriptor (attributes), then conventions;</item>
/// <item>route handlers (minimal APIs): the endpoint's own conventions and its handler's
/// attributes, equally specific; then its route groups', inner over outer.</item>
/// </list>
/// Among conventions, the framework's order holds: general to specific, the last applied winning;
/// on endpoints of other kinds (gRPC services, YARP routes, custom data sources) CorsKit cannot tell
/// attributes from conventions, and the framework's order decides alone.
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
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<ActionDescriptor>() is { } action)
        {
            return action switch
            {
                ControllerActionDescriptor controller => DecideByDeclaration(
                    endpoint, all, [("on its action", Declared(controller.MethodInfo, inherit: true)), .. ClassLevels(controller.ControllerTypeInfo, "controller")]),
                // Conventions of the pages' options are in the action descriptor, after the attributes:
                // the last of them wins over conventions on the endpoint, which apply to every page.
                CompiledPageActionDescriptor page => DecideByDeclaration(endpoint, all, PageLevels(page), conventions => LastAttributeOrConvention(action, conventions)),
                _ => LastAttributeOrConvention(action, all),
            };
        }

        if (metadata.GetMetadata<HubMetadata>() is { } hub)
        {
            return DecideByDeclaration(endpoint, all, ClassLevels(hub.HubType, "hub"));
        }

        return metadata.GetMetadata<ComponentTypeMetadata>() is { } component
            ? DecideByDeclaration(endpoint, all, ClassLevels(component.Type, "component"))
            : DecideForRouteHandler(endpoint, all);
    }

    /// <summary>Whether two pieces of metadata select the same thing: the same named policy, the default one, or none.</summary>
    public static bool SameMeaning(ICorsMetadata a, ICorsMetadata b) => PolicySelection.Of(a).SameAs(PolicySelection.Of(b));

    /// <summary>The metadata as a user wrote it, for messages.</summary>
    public static string Describe(ICorsMetadata metadata) => metadata switch
    {
        StrictCorsAttribute strict => $"[StrictCors(\"{strict.PolicyName}\")] (policy '{strict.PolicyName}')",
        IEnableCorsAttribute { PolicyName: { } name } => $"[EnableCors(\"{name}\")] (policy '{name}')",
        IEnableCorsAttribute => "[EnableCors] (the default policy)",
        DisableStrictCorsAttribute => "[DisableStrictCors]",
        IDisableCorsAttribute => "[DisableCors]",
        ContradictingCorsMetadata => "contradicting CORS metadata",
        _ => "a CORS policy built in code",
    };

    /// <summary>
    /// The most specific level that declares any of the endpoint's metadata decides (a declared
    /// attribute is recognised in the metadata by its type and meaning); its pieces must agree.
    /// Metadata no level declares came from conventions: the last applied wins, unless
    /// <paramref name="conventions"/> orders them otherwise.
    /// </summary>
    private static ICorsMetadata DecideByDeclaration(
        Endpoint endpoint, IReadOnlyList<ICorsMetadata> all, IEnumerable<(string Where, List<ICorsMetadata> Declared)> levels,
        Func<IReadOnlyList<ICorsMetadata>, ICorsMetadata>? conventions = null)
    {
        foreach (var (where, declared) in levels)
        {
            var atLevel = all.Where(m => IsDeclared(m, declared)).ToList();
            if (atLevel.Count > 0)
            {
                return Agreeing(endpoint, atLevel, where);
            }
        }

        return conventions is null ? all[^1] : conventions(all);
    }

    /// <summary>A class and its base classes, most derived first: each declares its own attributes.</summary>
    private static IEnumerable<(string Where, List<ICorsMetadata> Declared)> ClassLevels(Type type, string kind, string? first = null)
    {
        for (Type? current = type; current is not null; current = current.BaseType)
        {
            yield return (ReferenceEquals(current, type) && first is not null ? first : $"on its {kind} class {current.Name}", Declared(current, inherit: false));
        }
    }

    /// <summary>
    /// A page's levels. The framework adds the attributes of its page model and of its page class
    /// (the .cshtml's <c>@attribute</c>): two places of one page, equally specific, which must agree.
    /// Then the page model's base classes, then the page class's.
    /// </summary>
    private static IEnumerable<(string Where, List<ICorsMetadata> Declared)> PageLevels(CompiledPageActionDescriptor page)
    {
        var pageType = page.PageTypeInfo.AsType();
        var handlerType = page.HandlerTypeInfo.AsType();
        var where = $"on its page {page.RelativePath}";
        if (handlerType == pageType)
        {
            return ClassLevels(pageType, "page", where);
        }

        (string, List<ICorsMetadata>) both = ($"{where} and its page model class {handlerType.Name}", [.. Declared(handlerType, inherit: false), .. Declared(pageType, inherit: false)]);
        return [both, .. ClassLevels(handlerType, "page model").Skip(1), .. ClassLevels(pageType, "page").Skip(1)];
    }

    /// <summary>
    /// Metadata in the action descriptor came from attributes (or application model conventions,
    /// which work on the same model): the last of it wins over endpoint conventions, added after it.
    /// </summary>
    private static ICorsMetadata LastAttributeOrConvention(ActionDescriptor action, IReadOnlyList<ICorsMetadata> all)
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
        var declared = endpoint.Metadata.GetMetadata<MethodInfo>() is { } handler ? Declared(handler, inherit: true) : [];
        var lastAttribute = all.Count - 1;
        while (lastAttribute >= 0 && !IsDeclared(all[lastAttribute], declared))
        {
            lastAttribute--;
        }

        if (lastAttribute < 0)
        {
            return all[^1];
        }

        var attribute = Agreeing(endpoint, declared, "on its handler");
        if (attribute is ContradictingCorsMetadata || lastAttribute == all.Count - 1)
        {
            return attribute;
        }

        var convention = all[^1];
        return SameMeaning(attribute, convention)
            ? convention
            : Contradiction(endpoint, attribute, convention, "on the endpoint itself (its handler's attribute and its own convention)");
    }

    private static List<ICorsMetadata> Declared(MemberInfo member, bool inherit) =>
        member.GetCustomAttributes(inherit).OfType<ICorsMetadata>().ToList();

    private static bool IsDeclared(ICorsMetadata metadata, List<ICorsMetadata> declared) =>
        declared.Exists(d => d.GetType() == metadata.GetType() && SameMeaning(d, metadata));

    private static ICorsMetadata Agreeing(Endpoint endpoint, List<ICorsMetadata> level, string where)
    {
        var disagreeing = level.Find(m => !SameMeaning(m, level[0]));
        return disagreeing is null ? level[0] : Contradiction(endpoint, level[0], disagreeing, where);
    }

    private static ContradictingCorsMetadata Contradiction(Endpoint endpoint, ICorsMetadata first, ICorsMetadata second, string where) =>
        new($"Endpoint '{endpoint.DisplayName ?? "(unnamed endpoint)"}' carries contradicting CORS metadata at the same level ({where}): "
            + $"{Describe(first)} and {Describe(second)}. CorsKit cannot tell which one you mean, so it would deny every cross-origin request. Keep one.");

}
