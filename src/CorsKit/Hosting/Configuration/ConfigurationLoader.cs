using CorsKit.Policies;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// Loads a CorsKit configuration, as one pure function that startup, every reload and
/// <c>corskit check</c> share: creates the options (binding), checks that a reload lost no layer
/// and not the whole section, checks the sections' keys and value types, validates and compiles
/// every policy, and checks what the endpoints and the policies in force require. It reads the
/// sections it is given, and the rest only through the functions it is given (binding, the
/// layers); every error is collected; nothing is logged or kept here.
/// </summary>
internal static class ConfigurationLoader
{
    /// <param name="sections">The bound configuration sections; none when the policies are written in code.</param>
    /// <param name="createOptions">Creates the options: binding and the app's configure actions.</param>
    /// <param name="inUse">The policies endpoints use, which the configuration must keep.</param>
    /// <param name="inForce">The policies in force when this is a reload; null at startup.</param>
    /// <param name="today">Dates the embedded Public Suffix List's age.</param>
    /// <param name="originStoreRegistered">Whether the app registered an <see cref="IStrictCorsOriginStore"/>, which a policy with an origin store needs.</param>
    /// <param name="layers">
    /// The sections' layers at the last good load (null at startup) and how to see them now
    /// (called once, right after binding); null where nothing reloads (<c>corskit check</c>).
    /// </param>
    public static CompilationResult Load(
        IReadOnlyList<CorsConfigurationSection> sections, Func<StrictCorsOptions> createOptions, PoliciesInUse inUse, CompiledPolicySet? inForce, DateOnly today,
        LayerCheck? layers = null, bool originStoreRegistered = true)
    {
        var rootPath = RootPath(sections);
        var issues = new ConfigurationIssues();
        var options = TryCreate(createOptions, out var failure);

        // The layers are seen after binding: a layer lost before or during binding is seen lost. (One
        // restored between binding and this look raises a reload of its own, which binds it again.)
        var layersNow = layers?.Capture();
        if (layers?.InForce is { } layersInForce && layersNow is not null)
        {
            // The configuration system turns a reloadable file that was deleted or no longer parses
            // into an empty layer: the layers left (a permissive appsettings.json) must not decide alone.
            ConfigurationLayers.ReportLost(layersInForce, layersNow, issues);
        }

        if (inForce is not null && inForce.Names.Any() && sections.Count > 0 && !sections.Any(s => s.HasPolicies))
        {
            // A deleted file or a dropped section is a deployment slip: it must not silently turn
            // every endpoint without its own policy into deny-all. Other keys of the section that
            // survive (from environment variables, say) do not make it a decision.
            issues.Error($"{rootPath}:Policies", "is gone (the configuration file was deleted or the section removed), so the last good policies stay. "
                + $"To switch cross-origin access off on purpose, keep the key without policies: \"{rootPath}\": {{ \"Policies\": {{}} }}.");
        }

        if (issues.HasErrors)
        {
            // What is left of the configuration is not what anyone wrote: its own errors would only distract.
            return new CompilationResult(null, issues);
        }

        foreach (var section in sections)
        {
            ConfigurationSectionValidator.Validate(section.Section, section.Path, issues);
        }

        // When binding fails on a value the section check refused, the rest is bound, so that no error hides another.
        options ??= issues.HasErrors ? TryCreate(() => Bind(WithoutRefusedKeys(sections, issues)), out _) : null;
        if (options is null)
        {
            if (!issues.HasErrors)
            {
                issues.Error(rootPath, $"could not be read: {failure!.Message}");
            }

            return new CompilationResult(null, issues);
        }

        ReportPoliciesLostInBinding(sections, options, issues);
        var result = PolicySetCompiler.Compile(options, rootPath, issues, today);
        foreach (var (name, endpoint) in inUse.Named)
        {
            if (!options.Policies.ContainsKey(name))
            {
                issues.Error($"{rootPath}:Policies:{name}", $"is missing, but endpoint '{endpoint}' uses it. Keep the policy, or change the endpoint and restart.");
            }
        }

        if (inUse.DefaultUsedBy is { } user && options.DefaultPolicy is null)
        {
            issues.Error($"{rootPath}:DefaultPolicy", $"is not set, but endpoint '{user}' uses the default policy ([EnableCors] without a name). Keep it, or name a policy on the endpoint and restart.");
        }

        if (!originStoreRegistered)
        {
            foreach (var (name, policy) in options.Policies.Where(p => p.Value?.OriginStore is not null))
            {
                issues.Error($"{rootPath}:Policies:{name}:OriginStore", "is set, but the app registers no origin store, so the policy could allow none of its keys' origins. "
                    + "Register yours, a class that implements IStrictCorsOriginStore: builder.Services.AddStrictCorsOriginStore<YourStore>();.");
            }
        }

        return issues.HasErrors ? result with { Policies = null } : result;
    }

    /// <summary>Binds a section to new options, with the configuration binding source generator the app uses too.</summary>
    public static StrictCorsOptions Bind(IConfiguration section)
    {
        var options = new StrictCorsOptions();
        section.Bind(options);
        return options;
    }

    /// <summary>The configuration path messages name: the first bound section's, or "Cors".</summary>
    public static string RootPath(IReadOnlyList<CorsConfigurationSection> sections) =>
        sections.Count > 0 ? sections[0].Path : CorsConfigurationSection.DefaultPath;

    /// <summary>Creates the options; null with the exception when that fails.</summary>
    private static StrictCorsOptions? TryCreate(Func<StrictCorsOptions> createOptions, out Exception? failure)
    {
        failure = null;
        try
        {
            return createOptions();
        }
#pragma warning disable CA1031 // Any failure to build options (binding, user validators) must refuse the configuration, never escape.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
            return null;
        }
    }

    /// <summary>The sections' keys and values, relative to each section, in one configuration: all but those at or under a path an error names.</summary>
    private static IConfiguration WithoutRefusedKeys(IReadOnlyList<CorsConfigurationSection> sections, ConfigurationIssues issues)
    {
        var refused = issues.Errors.Select(e => e.Path).ToList();
        var kept = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections)
        {
            foreach (var (key, value) in section.Section.AsEnumerable(makePathsRelative: true))
            {
                var path = $"{section.Path}:{key}";
                if (!refused.Exists(r => IsAtOrUnder(path, r)))
                {
                    kept[key] = value;
                }
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build();
    }

    /// <summary>
    /// Binding drops a policy whose values it cannot convert; that must never go unnoticed.
    /// The section validator names the bad value in most cases; this catches the rest.
    /// </summary>
    private static void ReportPoliciesLostInBinding(IReadOnlyList<CorsConfigurationSection> sections, StrictCorsOptions options, ConfigurationIssues issues)
    {
        foreach (var section in sections)
        {
            foreach (var policy in section.Section.GetSection(nameof(StrictCorsOptions.Policies)).GetChildren())
            {
                var path = $"{section.Path}:{nameof(StrictCorsOptions.Policies)}:{policy.Key}";
                if (!options.Policies.ContainsKey(policy.Key) && !issues.Errors.Any(e => IsAtOrUnder(e.Path, path)))
                {
                    issues.Error(path, "could not be read: check that every value has the documented type.");
                }
            }
        }
    }

    /// <summary>Whether the key path <paramref name="path"/> is <paramref name="parent"/> or one of its descendants.</summary>
    private static bool IsAtOrUnder(string path, string parent) =>
        path.Equals(parent, StringComparison.OrdinalIgnoreCase) || path.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase);
}
