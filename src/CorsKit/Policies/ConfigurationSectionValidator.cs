using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Policies;

/// <summary>
/// Checks the shape of a configuration section, because binding forgives too much: it ignores a
/// misspelt key (<c>AllowCredential</c>), a string where a list belongs or a list where a name
/// belongs, reads an object as a list and a list of policies as policies named 0, 1, …, and fails
/// on a value of the wrong type. Each would change what a policy allows, or hide other errors.
/// </summary>
internal static class ConfigurationSectionValidator
{
    private const string PolicyExample = "{ \"Origins\": [ \"https://app.example.com\" ] }";

    private const string PoliciesExample = $"{{ \"web\": {PolicyExample} }}";

    private const string ASingleValue = "a single value";

    private const string AList = "a list";

    private const string AnObject = "an object";

    private static readonly string[] RootKeys =
    [
        nameof(StrictCorsOptions.DefaultPolicy), nameof(StrictCorsOptions.Policies),
        nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests), nameof(StrictCorsOptions.MaxOriginLength),
        nameof(StrictCorsOptions.Mode), nameof(StrictCorsOptions.CrossOriginGuard),
    ];

    private static readonly string[] PolicyKeys =
    [
        nameof(StrictCorsPolicyOptions.Origins), nameof(StrictCorsPolicyOptions.Methods),
        nameof(StrictCorsPolicyOptions.Headers), nameof(StrictCorsPolicyOptions.ExposedHeaders),
        nameof(StrictCorsPolicyOptions.AllowCredentials), nameof(StrictCorsPolicyOptions.MaxAgeSeconds),
        nameof(StrictCorsPolicyOptions.AllowPrivateNetwork), nameof(StrictCorsPolicyOptions.AllowInsecureOrigins),
        nameof(StrictCorsPolicyOptions.Mode), nameof(StrictCorsPolicyOptions.OriginStore),
    ];

    private static readonly string[] OriginStoreKeys =
    [
        nameof(StrictCorsOriginStoreOptions.Key), nameof(StrictCorsOriginStoreOptions.RefreshSeconds), nameof(StrictCorsOriginStoreOptions.StaleSeconds),
        nameof(StrictCorsOriginStoreOptions.TimeoutMilliseconds), nameof(StrictCorsOriginStoreOptions.MaxKeys), nameof(StrictCorsOriginStoreOptions.MaxQueriesInFlight),
    ];

    /// <summary>What each setting's value must be, and an example of it as written in JSON.</summary>
    private static readonly Dictionary<string, (ValueKind Kind, string Example)> Values = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(StrictCorsOptions.DefaultPolicy)] = (ValueKind.Name, "\"web\""),
        [nameof(StrictCorsOptions.Policies)] = (ValueKind.Object, PoliciesExample),
        [nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests)] = (ValueKind.Boolean, "true"),
        [nameof(StrictCorsOptions.MaxOriginLength)] = (ValueKind.Integer, "512"),
        [nameof(StrictCorsPolicyOptions.Origins)] = (ValueKind.List, "[ \"https://app.example.com\" ]"),
        [nameof(StrictCorsPolicyOptions.Methods)] = (ValueKind.List, "[ \"PUT\", \"DELETE\" ]"),
        [nameof(StrictCorsPolicyOptions.Headers)] = (ValueKind.List, "[ \"Content-Type\", \"Authorization\" ]"),
        [nameof(StrictCorsPolicyOptions.ExposedHeaders)] = (ValueKind.List, "[ \"X-Request-Id\" ]"),
        [nameof(StrictCorsPolicyOptions.AllowCredentials)] = (ValueKind.Boolean, "true"),
        [nameof(StrictCorsPolicyOptions.MaxAgeSeconds)] = (ValueKind.Integer, "600"),
        [nameof(StrictCorsPolicyOptions.AllowPrivateNetwork)] = (ValueKind.Boolean, "true"),
        [nameof(StrictCorsPolicyOptions.AllowInsecureOrigins)] = (ValueKind.Boolean, "true"),
        [nameof(StrictCorsOptions.Mode)] = (ValueKind.Name, "\"ReportOnly\""),
        [nameof(StrictCorsOptions.CrossOriginGuard)] = (ValueKind.Name, "\"ReportOnly\""),
        [nameof(StrictCorsPolicyOptions.OriginStore)] = (ValueKind.Object, "{ \"Key\": \"Host\" }"),
        [nameof(StrictCorsOriginStoreOptions.Key)] = (ValueKind.Name, "\"Host\""),
        [nameof(StrictCorsOriginStoreOptions.RefreshSeconds)] = (ValueKind.Integer, "60"),
        [nameof(StrictCorsOriginStoreOptions.StaleSeconds)] = (ValueKind.Integer, "300"),
        [nameof(StrictCorsOriginStoreOptions.TimeoutMilliseconds)] = (ValueKind.Integer, "2000"),
        [nameof(StrictCorsOriginStoreOptions.MaxKeys)] = (ValueKind.Integer, "10000"),
        [nameof(StrictCorsOriginStoreOptions.MaxQueriesInFlight)] = (ValueKind.Integer, "8"),
    };

    /// <summary>The values settings that choose among a few accept (compared ignoring case, as binding does).</summary>
    private static readonly Dictionary<string, string[]> Choices = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(StrictCorsOptions.Mode)] = Enum.GetNames<StrictCorsMode>(),
        [nameof(StrictCorsOptions.CrossOriginGuard)] = Enum.GetNames<CrossOriginGuardMode>(),
    };

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
        if (section is IConfigurationSection named && !IsObject(named, rootPath, $"{{ \"Policies\": {PoliciesExample} }}", issues))
        {
            return;
        }

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
        if (IsListIndex(policy.Key))
        {
            issues.Error(path, $"'{policy.Key}' looks like a list index, not a policy name: \"Policies\" must be an object keyed by policy name, "
                + $"as in \"Policies\": {PoliciesExample}. Give the policy a name that is not only digits.");
        }

        if (!IsObject(policy, path, PolicyExample, issues))
        {
            return;
        }

        foreach (var setting in policy.GetChildren())
        {
            var settingPath = $"{path}:{setting.Key}";
            if (IsKnown(PolicyKeys, setting.Key, settingPath, issues) && HasValidValue(setting, settingPath, issues)
                && setting.Key.Equals(nameof(StrictCorsPolicyOptions.OriginStore), StringComparison.OrdinalIgnoreCase))
            {
                foreach (var storeSetting in setting.GetChildren())
                {
                    var storePath = $"{settingPath}:{storeSetting.Key}";
                    if (IsKnown(OriginStoreKeys, storeSetting.Key, storePath, issues))
                    {
                        HasValidValue(storeSetting, storePath, issues);
                    }
                }
            }
        }
    }

    private static bool HasValidValue(IConfigurationSection setting, string path, ConfigurationIssues issues)
    {
        var (kind, example) = Values[setting.Key];
        var value = setting.Value;
        var shape = ShapeOf(setting);
        if (kind == ValueKind.List && shape == ASingleValue)
        {
            issues.Error(path, $"must be a list: write \"{setting.Key}\": [ \"{value}\" ].");
            return false;
        }

        var fits = shape is null || kind switch
        {
            ValueKind.Object => shape != ASingleValue,
            ValueKind.List => shape == AList,
            _ => shape == ASingleValue,
        };
        if (!fits)
        {
            issues.Error(path, WrongShape(Expected(kind), shape!, setting.Key, example));
            return false;
        }

        if (kind == ValueKind.List)
        {
            var misshapen = setting.GetChildren().Where(item => ShapeOf(item) is AList or AnObject).ToList();
            foreach (var item in misshapen)
            {
                issues.Error($"{path}:{item.Key}", WrongShape("text", ShapeOf(item)!, setting.Key, example));
            }

            return misshapen.Count == 0;
        }

        if (Choices.TryGetValue(setting.Key, out var choices) && value is not null && !IsOneOf(choices, value))
        {
            issues.Error(path, $"'{value}' is not one of {string.Join(", ", choices)}: write e.g. \"{setting.Key}\": {example}.");
            return false;
        }

        if (kind == ValueKind.Boolean && !bool.TryParse(value, out _))
        {
            issues.Error(path, $"'{value}' is not a boolean: write true or false.");
            return false;
        }

        if (kind == ValueKind.Integer && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            issues.Error(path, $"'{value}' is not a whole number, e.g. {example}.");
            return false;
        }

        return true;
    }

    /// <summary>Refuses a single value where an object of settings belongs (the section, a policy).</summary>
    private static bool IsObject(IConfigurationSection section, string path, string example, ConfigurationIssues issues)
    {
        if (ShapeOf(section) != ASingleValue)
        {
            return true;
        }

        issues.Error(path, WrongShape(AnObject, ASingleValue, section.Key, example));
        return false;
    }

    /// <summary>How a value is written: a single value, a list (keys 0, 1, …), an object, or null when empty.</summary>
    private static string? ShapeOf(IConfigurationSection value)
    {
        var children = value.GetChildren().ToList();
        return children.Count == 0 ? (string.IsNullOrEmpty(value.Value) ? null : ASingleValue)
            : children.TrueForAll(c => IsListIndex(c.Key)) ? AList
            : AnObject;
    }

    private static string Expected(ValueKind kind) => kind switch
    {
        ValueKind.Name => "one policy name",
        ValueKind.Object => AnObject,
        ValueKind.Boolean => "true or false",
        ValueKind.Integer => "a whole number",
        _ => AList,
    };

    private static string WrongShape(string expected, string shape, string key, string example) =>
        $"must be {expected}, not {shape}: write \"{key}\": {example}.";

    /// <summary>Whether a key is all digits, as configuration keys the items of a JSON array.</summary>
    private static bool IsListIndex(string key) => key.Length > 0 && key.All(char.IsAsciiDigit);

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

    private enum ValueKind
    {
        Name,
        Object,
        Boolean,
        Integer,
        List,
    }
}
