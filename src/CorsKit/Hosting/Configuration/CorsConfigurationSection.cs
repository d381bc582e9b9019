using Microsoft.Extensions.Configuration;

namespace CorsKit.Hosting.Configuration;

/// <summary>The configuration section CorsKit was bound to, kept to check its keys and to name paths in messages.</summary>
internal sealed class CorsConfigurationSection(IConfiguration section)
{
    /// <summary>The section name used by <c>AddStrictCors()</c>, and in messages about settings written in code.</summary>
    public const string DefaultPath = "Cors";

    public IConfiguration Section { get; } = section;

    public string Path => Section is IConfigurationSection { Path.Length: > 0 } named ? named.Path : DefaultPath;

    /// <summary>Whether the section currently has a <c>Policies</c> key, even an empty one (<c>"Policies": {}</c>).</summary>
    public bool HasPolicies => Section.GetChildren().Any(c => c.Key.Equals(nameof(StrictCorsOptions.Policies), StringComparison.OrdinalIgnoreCase));
}
