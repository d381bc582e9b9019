using Microsoft.Extensions.Configuration;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// The configuration section CorsKit was bound to, kept to check its keys and to name paths in
/// messages, with the configuration root it reads from when that can be seen (its providers are
/// the layers <see cref="ConfigurationLayers"/> watches).
/// </summary>
internal sealed class CorsConfigurationSection(IConfiguration section, IConfigurationRoot? root)
{
    /// <summary>The section name used by <c>AddStrictCors()</c>, and in messages about settings written in code.</summary>
    public const string DefaultPath = "Cors";

    public IConfiguration Section { get; } = section;

    /// <summary>The root the section reads from; null when it cannot be seen (see <see cref="RootOf"/>).</summary>
    public IConfigurationRoot? Root { get; } = root;

    public string Path => Section is IConfigurationSection { Path.Length: > 0 } named ? named.Path : DefaultPath;

    /// <summary>The section's key in its parent, as a file writes it (<c>Cors</c>).</summary>
    public string Key => Section is IConfigurationSection { Key.Length: > 0 } named ? named.Key : DefaultPath;

    /// <summary>The section's path in <see cref="Root"/>; null when the section is the root itself (every key is under it).</summary>
    public string? KeyPath => (Section as IConfigurationSection)?.Path;

    /// <summary>Whether the section currently has a <c>Policies</c> key, even an empty one (<c>"Policies": {}</c>).</summary>
    public bool HasPolicies => Section.GetChildren().Any(c => c.Key.Equals(nameof(StrictCorsOptions.Policies), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The root <paramref name="section"/> reads from, when CorsKit can see it: the section
    /// itself when it is a root, or the app's configuration <paramref name="app"/> when the
    /// section is one of its sections. <see cref="IConfigurationSection"/> does not expose its
    /// root, but a section's reload token is its root's current token, the same object until the
    /// root reloads: a reload between the two reads (at startup) is retried. A section of
    /// another root: null (only the rule on the whole section applies to it, and the store says
    /// so at startup).
    /// </summary>
    public static IConfigurationRoot? RootOf(IConfiguration section, IConfiguration? app)
    {
        if (section is IConfigurationRoot root)
        {
            return root;
        }

        if (section is not IConfigurationSection || app is not IConfigurationRoot appRoot)
        {
            return null;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var token = appRoot.GetReloadToken();
            if (ReferenceEquals(section.GetReloadToken(), token))
            {
                return appRoot;
            }

            if (ReferenceEquals(token, appRoot.GetReloadToken()))
            {
                return null; // the app's root did not reload in between: the section is another root's
            }
        }

        return null;
    }
}
