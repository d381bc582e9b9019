using CorsKit.Diagnostics;
using CorsKit.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// Holds the compiled policies in force and replaces them, as a whole, when the configuration
/// changes; <see cref="ConfigurationLoader"/> does the loading. Options are created through <see cref="IOptionsFactory{TOptions}"/> on the same
/// change tokens <see cref="IOptionsMonitor{TOptions}"/> listens to, so that a reload that fails
/// to bind or to validate is caught here: it is logged as an error and the last good policies
/// stay in force. CorsKit never fails open. With the policies it keeps the configuration's
/// layers as the load that made them saw them (<see cref="ConfigurationLayers"/>), so that a
/// reload that loses one is refused, and it reloads when a file behind the section no longer
/// parses (the configuration system raises no change then).
/// </summary>
internal sealed class CorsPolicyStore : IDisposable
{
    private readonly IOptionsFactory<StrictCorsOptions> _factory;
    private readonly CorsConfigurationSection[] _sections;
    private readonly ILogger _logger;
    private readonly CorsKitStatus _status;
    private readonly TimeProvider _time;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _reloadLock = new();
    private CompiledPolicySet? _current;
    private ConfigurationLayers? _layersInForce;
    private PoliciesInUse _policiesInUse = PoliciesInUse.None;
    private readonly bool _originStoreRegistered;

    public CorsPolicyStore(
        IOptionsFactory<StrictCorsOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<StrictCorsOptions>> changeSources,
        IEnumerable<CorsConfigurationSection> sections,
        TimeProvider time,
        ILogger<CorsPolicyStore> logger,
        IConfiguration? configuration = null,
        CorsKitStatus? status = null,
        IServiceProviderIsService? services = null)
    {
        _originStoreRegistered = services?.IsService(typeof(IStrictCorsOriginStore)) ?? true;
        _status = status ?? new CorsKitStatus();
        _factory = factory;
        _sections = sections.ToArray();
        _time = time;
        _logger = logger;

        var result = Load(inForce: null, out var layers);
        StartupIssues = result.Issues;
        if (result.Policies is { } policies)
        {
            _current = policies;
            _layersInForce = layers;
            Loaded(before: null, policies);
        }

        foreach (var section in _sections.Where(s => s.Root is null))
        {
            CorsKitLog.ConfigurationLayersUnseen(_logger, section.Path);
        }

        // Policies written in code (no section bound) leave a Cors section of the app's configuration unread: say so, once.
        if (_sections.Length == 0 && configuration?.GetSection(CorsConfigurationSection.DefaultPath).Exists() == true)
        {
            CorsKitLog.ConfigurationSectionIgnored(_logger, CorsConfigurationSection.DefaultPath);
        }

        foreach (var source in changeSources.Where(s => (s.Name ?? Options.DefaultName) == Options.DefaultName))
        {
            _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }

        _subscriptions.AddRange(ConfigurationLayers.OnUnparsableFile(_sections, Reload));
    }

    /// <summary>The findings of the configuration the app started with.</summary>
    public ConfigurationIssues StartupIssues { get; }

    /// <summary>The policies in force. Throws only if the app started with an invalid configuration, which startup validation prevents.</summary>
    public CompiledPolicySet Current => Volatile.Read(ref _current)
        ?? throw new InvalidOperationException("CorsKit has no valid configuration: " + string.Join("; ", StartupIssues.Errors));

    /// <summary>The policies in force, or null when the app's configuration is invalid (startup then fails with its errors).</summary>
    public CompiledPolicySet? CurrentOrNull => Volatile.Read(ref _current);

    /// <summary>The configuration path messages name: the bound section's, or "Cors".</summary>
    public string RootPath => ConfigurationLoader.RootPath(_sections);

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
            var before = Volatile.Read(ref _current);
            var result = Load(before, out var layers);
            if (result.Policies is { } policies)
            {
                Volatile.Write(ref _current, policies);
                _layersInForce = layers;
                Loaded(before, policies);
                _status.ReloadAccepted();
            }
            else
            {
                CorsKitLog.ReloadRefused(_logger, result.Issues.Errors);
                _status.ReloadRefused(_time.GetUtcNow(), result.Issues.Errors);
            }
        }
    }

    /// <summary>Logs the policies now in force and, as the audit trail, what changed in access since <paramref name="before"/> (null: startup).</summary>
    private void Loaded(CompiledPolicySet? before, CompiledPolicySet policies)
    {
        CorsKitLog.PoliciesLoaded(_logger, policies);
        CorsKitLog.AccessChanged(_logger, before, policies, RootPath);
    }

    /// <summary>Loads the configuration; <paramref name="layers"/>: its layers as the load saw them, which become the ones in force if it is taken.</summary>
    private CompilationResult Load(CompiledPolicySet? inForce, out ConfigurationLayers? layers)
    {
        ConfigurationLayers? seen = null;
        var layerCheck = new LayerCheck(inForce is null ? null : _layersInForce, () => seen = ConfigurationLayers.Capture(_sections));
        var result = ConfigurationLoader.Load(
            _sections, () => _factory.Create(Options.DefaultName), Volatile.Read(ref _policiesInUse), inForce, DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime), layerCheck, _originStoreRegistered);
        layers = seen;
        foreach (var warning in result.Issues.Warnings)
        {
            CorsKitLog.ConfigurationWarning(_logger, warning);
        }

        return result;
    }
}
