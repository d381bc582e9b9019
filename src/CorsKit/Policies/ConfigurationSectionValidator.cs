using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Policies;

/// <summary>
/// Checks the shape of a configuration section, because binding forgives too much: it ignores a
/// misspelt key (<c>AllowCredential</c>) or a string where a list belongs, and silently drops a
/// whole policy when one of its values has the wrong type. Each would change what a policy allows.
/// </summary>
internal static class ConfigurationSectionValidator
{
    private static readonly string[] RootKeys =
    [
        nameof(StrictCorsOptions.DefaultPolicy), nameof(StrictCorsOptions.Policies),
        nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests), nameof(StrictCorsOptions.MaxOriginLength),
    ];

    private static readonly string[] IntegerKeys = [nameof(StrictCorsPolicyOptions.MaxAgeSeconds), nameof(StrictCorsOptions.MaxOriginLength)];

    private static readonly string[] ListKeys =
    [
        nameof(StrictCorsPolicyOptions.Origins), nameof(StrictCorsPolicyOptions.Methods),
        nameof(StrictCorsPolicyOptions.Headers), nameof(StrictCorsPolicyOptions.ExposedHeaders),
    ];

    private static readonly string[] BooleanKeys =
    [
        nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests), nameof(StrictCorsPolicyOptions.AllowCredentials),
        nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), nameof(StrictCorsPolicyOptions.AllowInsecureOrigins),
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
            if (!IsKnown(RootKeys, child.Key, path, issues) || !HasValidValue(child, path, issues))
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
            if (IsKnown(PolicyKeys, setting.Key, settingPath, issues))
            {
                HasValidValue(setting, settingPath, issues);
            }
        }
    }

    private static bool HasValidValue(IConfigurationSection setting, string path, ConfigurationIssues issues)
    {
        var value = setting.Value;
        if (IsOneOf(ListKeys, setting.Key) && !string.IsNullOrEmpty(value))
        {
            issues.Error(path, $"must be a list: write \"{setting.Key}\": [ \"{value}\" ].");
            return false;
        }

        if (IsOneOf(BooleanKeys, setting.Key) && !bool.TryParse(value, out _))
        {
            issues.Error(path, $"'{value}' is not a boolean: write true or false.");
            return false;
        }

        if (IsOneOf(IntegerKeys, setting.Key) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            issues.Error(path, $"'{value}' is not a whole number, e.g. {(setting.Key.Equals(nameof(StrictCorsOptions.MaxOriginLength), StringComparison.OrdinalIgnoreCase) ? "512" : "600")}.");
            return false;
        }

        return true;
    }

    private static bool IsOneOf(string[] keys, string key) =>
        Array.Exists(keys, k => k.Equals(key, StringComparison.OrdinalIgnoreCase));

    private static bool IsKnown(string[] known, string key, string path, ConfigurationIssues issues)
    {
        if (IsOneOf(known, key))
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
            var isPartOf = key.Length >= 4 && (closest.Contains(key, StringComparison.OrdinalIgnoreCase) || key.Contains(closest, StringComparison.OrdinalIgnoreCase));
            suggestion = isPartOf || EditDistance(closest.ToUpperInvariant(), key.ToUpperInvariant()) <= 3 ? closest : null;
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
