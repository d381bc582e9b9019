using CorsKit.Diagnostics;
using CorsKit.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// Holds the compiled policies in force and replaces them, as a whole, when the configuration
/// changes. Options are created through <see cref="IOptionsFactory{TOptions}"/> on the same
/// change tokens <see cref="IOptionsMonitor{TOptions}"/> listens to, so that a reload that fails
/// to bind or to validate is caught here: it is logged as an error and the last good policies
/// stay in force. CorsKit never fails open.
/// </summary>
internal sealed class CorsPolicyStore : IDisposable
{
    private readonly IOptionsFactory<StrictCorsOptions> _factory;
    private readonly CorsConfigurationSection[] _sections;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _reloadLock = new();
    private CompiledPolicySet? _current;
    private PoliciesInUse _policiesInUse = PoliciesInUse.None;

    public CorsPolicyStore(
        IOptionsFactory<StrictCorsOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<StrictCorsOptions>> changeSources,
        IEnumerable<CorsConfigurationSection> sections,
        TimeProvider time,
        ILogger<CorsPolicyStore> logger)
    {
        _factory = factory;
        _sections = sections.ToArray();
        _time = time;
        _logger = logger;

        var result = Load(isReload: false);
        StartupIssues = result.Issues;
        if (result.Policies is { } policies)
        {
            _current = policies;
            CorsKitLog.PoliciesLoaded(_logger, policies);
        }

        foreach (var source in changeSources.Where(s => (s.Name ?? Options.DefaultName) == Options.DefaultName))
        {
            _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    /// <summary>The findings of the configuration the app started with.</summary>
    public ConfigurationIssues StartupIssues { get; }

    /// <summary>The policies in force. Throws only if the app started with an invalid configuration, which startup validation prevents.</summary>
    public CompiledPolicySet Current => Volatile.Read(ref _current)
        ?? throw new InvalidOperationException("CorsKit has no valid configuration: " + string.Join("; ", StartupIssues.Errors));

    /// <summary>The configuration path messages name: the bound section's, or "Cors".</summary>
    public string RootPath => _sections.Length > 0 ? _sections[0].Path : CorsConfigurationSection.DefaultPath;

    /// <summary>Records the policies endpoints use: a reload that no longer defines one of them is refused.</summary>
    public void RequirePolicies(PoliciesInUse policiesInUse) => Volatile.Write(ref _policiesInUse, policiesInUse);

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void Reload()
    {
        lock (_reloadLock)
        {
            var result = Load(isReload: true);
            if (result.Policies is { } policies)
            {
                Volatile.Write(ref _current, policies);
                CorsKitLog.PoliciesLoaded(_logger, policies);
            }
            else
            {
                CorsKitLog.ReloadRefused(_logger, result.Issues.Errors);
            }
        }
    }

    /// <summary>
    /// Binding drops a policy whose values it cannot convert; that must never go unnoticed.
    /// The section validator names the bad value in most cases; this catches the rest.
    /// </summary>
    private void ReportPoliciesLostInBinding(StrictCorsOptions options, ConfigurationIssues issues)
    {
        foreach (var section in _sections)
        {
            foreach (var policy in section.Section.GetSection(nameof(StrictCorsOptions.Policies)).GetChildren())
            {
                var path = $"{section.Path}:{nameof(StrictCorsOptions.Policies)}:{policy.Key}";
                if (!options.Policies.ContainsKey(policy.Key) && !issues.Errors.Any(e => e.Path.Equals(path, StringComparison.OrdinalIgnoreCase) || e.Path.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase)))
                {
                    issues.Error(path, "could not be read: check that every value has the documented type.");
                }
            }
        }
    }

    private CompilationResult Load(bool isReload)
    {
        var issues = new ConfigurationIssues();
        if (isReload && _sections.Length > 0 && Current.Names.Any() && !Array.Exists(_sections, s => s.HasPolicies))
        {
            // A deleted file or a dropped section is a deployment slip: it must not silently turn
            // every endpoint without its own policy into deny-all. Other keys of the section that
            // survive (from environment variables, say) do not make it a decision.
            issues.Error($"{RootPath}:Policies", "is gone (the configuration file was deleted or the section removed), so the last good policies stay. "
                + $"To switch cross-origin access off on purpose, keep the key without policies: \"{RootPath}\": {{ \"Policies\": {{}} }}.");
            return new CompilationResult(null, issues);
        }

        foreach (var section in _sections)
        {
            ConfigurationSectionValidator.Validate(section.Section, section.Path, issues);
        }

        StrictCorsOptions options;
        try
        {
            options = _factory.Create(Options.DefaultName);
        }
#pragma warning disable CA1031 // Any failure to build options (binding, user validators) must refuse the configuration, never escape.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // The section check above usually names the value binding failed on more precisely.
            if (!issues.HasErrors)
            {
                issues.Error(RootPath, $"could not be read: {exception.Message}");
            }

            return new CompilationResult(null, issues);
        }

        ReportPoliciesLostInBinding(options, issues);
        var result = CorsPolicyCompiler.Compile(options, RootPath, issues, DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));
        var inUse = Volatile.Read(ref _policiesInUse);
        foreach (var (name, endpoint) in inUse.Named)
        {
            if (!options.Policies.ContainsKey(name))
            {
                issues.Error($"{RootPath}:Policies:{name}", $"is missing, but endpoint '{endpoint}' uses it. Keep the policy, or change the endpoint and restart.");
            }
        }

        if (inUse.DefaultUsedBy is { } user && options.DefaultPolicy is null)
        {
            issues.Error($"{RootPath}:DefaultPolicy", $"is not set, but endpoint '{user}' uses the default policy ([EnableCors] without a name). Keep it, or name a policy on the endpoint and restart.");
        }

        foreach (var warning in issues.Warnings)
        {
            CorsKitLog.ConfigurationWarning(_logger, warning);
        }

        return issues.HasErrors ? result with { Policies = null } : result;
    }
}
