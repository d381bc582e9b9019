namespace CorsKit.Policies;

/// <summary>
/// Compares two compiled configurations by what they let pages do: per policy, the entries of
/// its lists and its values (<see cref="AccessSettings"/>); policies added and removed; what
/// endpoints that name no policy may do when the default policy changes; the configuration's own
/// values (the CSRF guard). Pure: startup and every reload log it, <c>corskit diff</c> prints it.
/// </summary>
internal static class AccessComparer
{
    /// <summary>A configuration that grants nothing: no policy, no default, the CSRF guard on. Startup is compared with it.</summary>
    public static CompiledPolicySet Nothing { get; } = new([], defaultPolicy: null, CrossOriginGuardMode.Enforce);

    /// <summary>Every difference in access from <paramref name="before"/> to <paramref name="after"/>.</summary>
    /// <param name="before">The configuration in force until now (<see cref="Nothing"/> at startup).</param>
    /// <param name="after">The configuration that replaces it.</param>
    /// <param name="rootPath">The configuration path the changes' key paths start with (e.g. <c>Cors</c>).</param>
    public static AccessChanges Compare(CompiledPolicySet before, CompiledPolicySet after, string rootPath)
    {
        var changes = new List<AccessChange>();
        foreach (var name in before.Names.Union(after.Names, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            var (old, current) = (before.Find(name), after.Find(name));
            var path = $"{rootPath}:{nameof(StrictCorsOptions.Policies)}:{current?.Name ?? name}";
            if (old is null || current is null)
            {
                changes.Add(old is null ? new(AccessEffect.Widened, path, "added.") : new(AccessEffect.Narrowed, path, "removed."));
            }

            changes.AddRange(ComparePolicies(old ?? CompiledPolicy.DenyAll, current ?? CompiledPolicy.DenyAll)
                .Select(c => new AccessChange(c.Effect, $"{path}:{c.Key}", c.Description)));
        }

        changes.AddRange(CompareDefaults(before.Default, after.Default, $"{rootPath}:{nameof(StrictCorsOptions.DefaultPolicy)}"));
        foreach (var setting in AccessSettings.SetValues)
        {
            if (setting.Compare(before, after) is { } change)
            {
                changes.Add(new(change.Effect, $"{rootPath}:{setting.Key}", change.Description));
            }
        }

        return new AccessChanges(changes);
    }

    /// <summary>What one policy allows that another does not, and the reverse, setting by setting.</summary>
    private static IEnumerable<(AccessEffect Effect, string Key, string Description)> ComparePolicies(CompiledPolicy before, CompiledPolicy after) =>
        AccessSettings.PolicyLists.SelectMany(list => list.Compare(before, after).Select(c => (c.Effect, list.Key, c.Description)))
            .Concat(AccessSettings.PolicyValues.Select(value => (value.Key, Change: value.Compare(before, after)))
                .Where(v => v.Change is not null)
                .Select(v => (v.Change!.Value.Effect, v.Key, v.Change.Value.Description)));

    /// <summary>
    /// A new default policy changes what endpoints that name no policy may do: the policies'
    /// contents are compared (a renamed policy with the same settings changes nothing).
    /// </summary>
    private static IEnumerable<AccessChange> CompareDefaults(CompiledPolicy before, CompiledPolicy after, string path)
    {
        if (IsNone(before) == IsNone(after) && before.Name.Equals(after.Name, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var differences = ComparePolicies(before, after).ToList();
        var effect = differences.Count == 0 ? AccessEffect.Same : differences.Max(d => d.Effect);
        return differences
            .Select(d => new AccessChange(d.Effect, path, $"for endpoints that name no policy, {d.Key} {d.Description}"))
            .Prepend(new AccessChange(effect, path, $"{Show(before)} -> {Show(after)}."));
    }

    private static bool IsNone(CompiledPolicy policy) => ReferenceEquals(policy, CompiledPolicy.DenyAll);

    private static string Show(CompiledPolicy policy) => IsNone(policy) ? "none (no cross-origin access)" : $"'{policy.Name}'";
}
