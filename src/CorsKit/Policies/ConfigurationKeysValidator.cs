using Microsoft.Extensions.Configuration;

namespace CorsKit.Policies;

/// <summary>
/// Checks the shape of a configuration section before binding ignores what it does not know:
/// a misspelt key (<c>AllowCredential</c>) or a string where a list belongs would otherwise
/// silently change a policy's meaning.
/// </summary>
internal static class ConfigurationKeysValidator
{
    private static readonly string[] RootKeys =
        [nameof(StrictCorsOptions.DefaultPolicy), nameof(StrictCorsOptions.Policies), nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests)];

    private static readonly string[] ListKeys =
    [
        nameof(StrictCorsPolicyOptions.Origins), nameof(StrictCorsPolicyOptions.Methods),
        nameof(StrictCorsPolicyOptions.Headers), nameof(StrictCorsPolicyOptions.ExposedHeaders),
    ];

    private static readonly string[] PolicyKeys =
    [
        .. ListKeys, nameof(StrictCorsPolicyOptions.AllowCredentials), nameof(StrictCorsPolicyOptions.MaxAgeSeconds),
        nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), nameof(StrictCorsPolicyOptions.AllowInsecureOrigins),
    ];

    /// <summary>Names used by Microsoft.AspNetCore.Cors and other libraries, mapped to CorsKit's.</summary>
    private static readonly Dictionary<string, string> KnownAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AllowedOrigins"] = "Origins",
        ["AllowedMethods"] = "Methods",
        ["AllowedHeaders"] = "Headers",
        ["ExposeHeaders"] = "ExposedHeaders",
        ["SupportsCredentials"] = "AllowCredentials",
        ["PreflightMaxAge"] = "MaxAgeSeconds",
        ["MaxAge"] = "MaxAgeSeconds",
    };

    public static void Validate(IConfiguration section, string rootPath, ConfigurationIssues issues)
    {
        foreach (var child in section.GetChildren())
        {
            var path = $"{rootPath}:{child.Key}";
            if (!IsKnown(RootKeys, child.Key, path, issues))
            {
                continue;
            }

            if (child.Key.Equals(nameof(StrictCorsOptions.Policies), StringComparison.OrdinalIgnoreCase))
            {
                foreach (var policy in child.GetChildren())
                {
                    ValidatePolicy(policy, $"{path}:{policy.Key}", issues);
                }
            }
        }
    }

    private static void ValidatePolicy(IConfigurationSection policy, string path, ConfigurationIssues issues)
    {
        foreach (var setting in policy.GetChildren())
        {
            var settingPath = $"{path}:{setting.Key}";
            if (IsKnown(PolicyKeys, setting.Key, settingPath, issues)
                && Array.Exists(ListKeys, k => k.Equals(setting.Key, StringComparison.OrdinalIgnoreCase))
                && !string.IsNullOrEmpty(setting.Value))
            {
                issues.Error(settingPath, $"must be a list: write \"{setting.Key}\": [ \"{setting.Value}\" ].");
            }
        }
    }

    private static bool IsKnown(string[] known, string key, string path, ConfigurationIssues issues)
    {
        if (Array.Exists(known, k => k.Equals(key, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        string? suggestion = null;
        if (KnownAliases.TryGetValue(key, out var alias) && Array.IndexOf(known, alias) >= 0)
        {
            suggestion = alias;
        }
        else
        {
            var closest = known.MinBy(k => EditDistance(k.ToUpperInvariant(), key.ToUpperInvariant()))!;
            suggestion = EditDistance(closest.ToUpperInvariant(), key.ToUpperInvariant()) <= 3 ? closest : null;
        }

        var hint = suggestion is null ? string.Empty : $"did you mean '{suggestion}'? ";
        issues.Error(path, $"'{key}' is not a CorsKit setting; {hint}Known settings here: {string.Join(", ", known)}.");
        return false;
    }

    /// <summary>Levenshtein distance, for "did you mean" hints on short key names.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
