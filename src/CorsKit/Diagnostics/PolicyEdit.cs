using CorsKit.Policies;

namespace CorsKit.Diagnostics;

/// <summary>
/// Changes to one policy that its validation accepts, collected with the words that explain them:
/// adding an origin, method or header, turning credentials or private-network access on, and what
/// those require (<c>*</c> as the origin, or with credentials as a name, is refused; a plain-text
/// origin needs AllowInsecureOrigins).
/// </summary>
internal sealed class PolicyEdit(CompiledPolicy policy, string path)
{
    private const string Wildcard = "*";

    private readonly List<ConfigurationChange> _changes = [];
    private readonly List<string> _steps = [];
    private readonly List<string> _addedOrigins = [];
    private bool _secured = policy.AllowCredentials || policy.AllowPrivateNetwork;

    /// <summary>Any change, with the words that say it ("set … to …").</summary>
    public PolicyEdit Step(ConfigurationChange change, string words)
    {
        _changes.Add(change);
        _steps.Add(words);
        return this;
    }

    /// <summary>Adds <paramref name="value"/> to the list <paramref name="list"/> (Origins, Methods, Headers).</summary>
    public PolicyEdit Add(string list, string value)
    {
        if (list == nameof(StrictCorsPolicyOptions.Origins))
        {
            _addedOrigins.Add(value);
        }

        return Step(ConfigurationChange.Add($"{path}:{list}", value), $"add \"{value}\" to {path}:{list}");
    }

    /// <summary>Turns <paramref name="setting"/> (AllowCredentials or AllowPrivateNetwork) on, for <paramref name="origin"/>.</summary>
    public PolicyEdit Allow(string setting, string origin)
    {
        var origins = $"{path}:{nameof(StrictCorsPolicyOptions.Origins)}";
        if (policy.Origins.AllowsAnyOrigin)
        {
            _changes.Add(ConfigurationChange.Remove(origins, Wildcard));
            _changes.Add(ConfigurationChange.Add(origins, origin));
            _addedOrigins.Add(origin);
            _steps.Add($"replace \"*\" in {origins} by \"{origin}\" ('*' cannot be combined with {setting}; list every other origin that needs access too)");
        }

        Step(ConfigurationChange.Set($"{path}:{setting}", true), $"set {path}:{setting} to true");
        if (setting == nameof(StrictCorsPolicyOptions.AllowCredentials))
        {
            RemoveWildcardNames();
        }

        _secured = true;
        return this;
    }

    /// <summary>The fix: <paramref name="sentence"/> says the steps ("a, b and c"), the changes make them.</summary>
    public DevelopmentFix Fix(Func<string, string> sentence)
    {
        var plainText = policy.Origins.Listed.Concat(_addedOrigins).Where(OriginsValidator.IsPlainText).ToList();
        if (_secured && !policy.AllowInsecureOrigins && plainText.Count > 0)
        {
            var setting = nameof(StrictCorsPolicyOptions.AllowInsecureOrigins);
            Step(ConfigurationChange.Set($"{path}:{setting}", true),
                $"set {path}:{setting} to true (with credentials or private-network access, validation accepts the plain-text origin(s) "
                + $"{string.Join(", ", plainText.Select(o => $"'{o}'"))} only then: anyone on the network path can run script as them, so https:// is safer)");
        }

        var steps = _steps.Count == 1 ? _steps[0] : $"{string.Join(", ", _steps[..^1])} and {_steps[^1]}";
        return new DevelopmentFix(sentence(steps), _changes.ToArray());
    }

    /// <summary>With credentials, <c>*</c> in Methods, Headers or ExposedHeaders is a literal name, which validation refuses.</summary>
    private void RemoveWildcardNames()
    {
        (string List, bool Listed)[] lists =
        [
            (nameof(StrictCorsPolicyOptions.Methods), policy.Methods.ContainsWildcard),
            (nameof(StrictCorsPolicyOptions.Headers), policy.Headers.ContainsWildcard),
            (nameof(StrictCorsPolicyOptions.ExposedHeaders), policy.ExposedHeaders.Contains(Wildcard)),
        ];
        var withWildcard = lists.Where(l => l.Listed).Select(l => $"{path}:{l.List}").ToList();
        if (withWildcard.Count > 0)
        {
            _changes.AddRange(withWildcard.Select(list => ConfigurationChange.Remove(list, Wildcard)));
            _steps.Add($"remove \"*\" from {string.Join(", ", withWildcard)} and list there the names pages use (with credentials '*' is read as a literal name)");
        }
    }
}
