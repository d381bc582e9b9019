namespace CorsKit.Policies;

/// <summary>
/// Compares two compiled configurations by what they let pages do, setting by setting as
/// <see cref="AccessSettings"/> lists them: per policy, the entries of its lists and its values;
/// policies added and removed; what endpoints that name no policy may do when the default policy
/// changes; the configuration's own values (its mode, the CSRF guard, the longest origin). Pure:
/// startup and every reload log it, <c>corskit diff</c> prints it.
/// </summary>
internal static class AccessComparer
{
    /// <summary>A configuration that grants nothing: no policy, no default, the CSRF guard on. Startup is compared with it.</summary>
    public static CompiledPolicySet Nothing { get; } = new([], defaultPolicy: null, CrossOriginGuardMode.Enforce);

    /// <summary>Every difference in access from <paramref name="before"/> to <paramref name="after"/>.</summary>
    /// <param name="before">The configuration in force until now (<see cref="Nothing"/> at startup).</param>
    /// <param name="after">The configuration that replaces it.</param>
    /// <param name="rootPath">The configuration path the changes' key paths start with (e.g. <c>Cors</c>).</param>
    public static AccessChanges Compare(CompiledPolicySet before, CompiledPolicySet after, string rootPath) =>
        new(AccessSettings.Section
            .SelectMany(setting => setting.Compare(before, after).Select(change => new AccessChange(
                change.Effect, change.SubKey is null ? $"{rootPath}:{setting.Key}" : $"{rootPath}:{setting.Key}:{change.SubKey}", change.Description)))
            .ToList());

    /// <summary>The names of the policies of either configuration, in order.</summary>
    public static IEnumerable<string> NamesOf(CompiledPolicySet before, CompiledPolicySet after) =>
        before.Names.Union(after.Names, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>Policies</c>: each policy of either configuration, setting by setting; one that is missing allows nothing.</summary>
    public static IEnumerable<SettingChange> ComparePolicySets(CompiledPolicySet before, CompiledPolicySet after)
    {
        foreach (var name in NamesOf(before, after))
        {
            var (old, current) = (before.Find(name), after.Find(name));
            var key = current?.Name ?? name;
            if (old is null || current is null)
            {
                yield return old is null ? new(AccessEffect.Widened, "added.", key) : new(AccessEffect.Narrowed, "removed.", key);
            }

            foreach (var (setting, change) in ComparePolicies(PolicyAccess.In(before, old), PolicyAccess.In(after, current)))
            {
                yield return change with { SubKey = $"{key}:{setting}" };
            }
        }
    }

    /// <summary>
    /// <c>DefaultPolicy</c>: a new default policy changes what endpoints that name no policy may
    /// do, so the policies' contents are compared (a renamed policy with the same settings and
    /// mode changes nothing).
    /// </summary>
    public static IEnumerable<SettingChange> CompareDefaults(CompiledPolicySet before, CompiledPolicySet after)
    {
        var (old, current) = (before.Default, after.Default);
        if (IsNone(old) == IsNone(current) && old.Name.Equals(current.Name, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var differences = ComparePolicies(PolicyAccess.In(before, old), PolicyAccess.In(after, current)).ToList();
        var effect = differences.Count == 0 ? AccessEffect.Same : differences.Max(d => d.Change.Effect);
        return differences
            .Select(d => new SettingChange(d.Change.Effect, $"for endpoints that name no policy, {d.Setting} {d.Change.Description}"))
            .Prepend(new SettingChange(effect, $"{Show(old)} -> {Show(current)}."));
    }

    /// <summary>
    /// What one policy allows that another does not, and the reverse, setting by setting. A
    /// change counts only where what it grants is decided (<see cref="Grants"/>): a list of a
    /// policy that only reports, in both configurations, grants nothing through CorsKit's CORS
    /// answers, and its origins decide writes only while the CSRF guard enforces.
    /// </summary>
    private static IEnumerable<(string Setting, SettingChange Change)> ComparePolicies(PolicyAccess before, PolicyAccess after) =>
        AccessSettings.Policy.SelectMany(setting => setting.Compare(before, after).Select(change => (setting.Key, Decided(setting.Grants, before, after, change))));

    /// <summary>The change as it is, or the same access when nothing applies what the setting grants in either configuration.</summary>
    private static SettingChange Decided(Grants grants, PolicyAccess before, PolicyAccess after, SettingChange change)
    {
        var reads = grants.HasFlag(Grants.Reads);
        var writes = grants.HasFlag(Grants.Writes);
        if (change.Effect == AccessEffect.Same
            || (!reads && !writes)
            || (reads && (before.Enforced || after.Enforced))
            || (writes && (before.GuardEnforces || after.GuardEnforces)))
        {
            return change;
        }

        var why = (reads, writes) switch
        {
            (true, true) => "the policy only reports and the CSRF guard does not enforce",
            (true, false) => "the policy only reports, so CorsKit grants nothing under it",
            _ => "the CSRF guard does not enforce",
        };
        var description = change.Description.EndsWith('.') ? change.Description[..^1] : change.Description;
        return change with { Effect = AccessEffect.Same, Description = $"{description} (no request is answered differently: {why})." };
    }

    private static bool IsNone(CompiledPolicy policy) => policy.IsNone;

    private static string Show(CompiledPolicy policy) => IsNone(policy) ? "none (no cross-origin access)" : $"'{policy.Name}'";
}
