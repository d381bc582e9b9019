namespace CorsKit.Policies;

/// <summary>What a change of configuration does to cross-origin access; ordered, so that a comparison's verdict is the largest of its changes'.</summary>
internal enum AccessEffect
{
    /// <summary>What pages may do stays the same (a max-age, an entry another one already allowed).</summary>
    Same,

    /// <summary>Pages may do less.</summary>
    Narrowed,

    /// <summary>Pages may do more.</summary>
    Widened,
}

/// <summary>One difference between two configurations: its effect on access, the key path it concerns, and what changed in plain words.</summary>
internal sealed record AccessChange(AccessEffect Effect, string Path, string Description)
{
    /// <summary>The word a line starts with: <c>widened</c>, <c>narrowed</c> or <c>same access</c>.</summary>
    public static string Word(AccessEffect effect) => effect switch
    {
        AccessEffect.Widened => "widened",
        AccessEffect.Narrowed => "narrowed",
        _ => "same access",
    };

    /// <inheritdoc />
    public override string ToString() => $"{Word(Effect)}: {Path}: {Description}";
}

/// <summary>Every difference between two configurations (<see cref="AccessComparer"/>), and the verdict on the whole.</summary>
internal sealed class AccessChanges(IReadOnlyList<AccessChange> changes)
{
    public IReadOnlyList<AccessChange> Changes { get; } = changes;

    /// <summary>Widened if any change widens access; narrowed if only narrowing ones remain besides those without effect; otherwise the same.</summary>
    public AccessEffect Verdict { get; } = changes.Count == 0 ? AccessEffect.Same : changes.Max(c => c.Effect);

    /// <summary>The verdict in words: <c>widened</c>, <c>narrowed only</c> or <c>unchanged</c>.</summary>
    public string VerdictWords => Verdict switch
    {
        AccessEffect.Widened => "widened",
        AccessEffect.Narrowed => "narrowed only",
        _ => "unchanged",
    };

    /// <summary>How many changes had each effect, e.g. <c>2 change(s) widened it, 1 narrowed it</c>, or <c>no change</c>.</summary>
    public string Counts
    {
        get
        {
            var counts = new[] { AccessEffect.Widened, AccessEffect.Narrowed, AccessEffect.Same }
                .Select(effect => (Effect: effect, Count: Changes.Count(c => c.Effect == effect)))
                .Where(c => c.Count > 0)
                .Select((c, i) => $"{c.Count}{(i == 0 ? " change(s)" : "")} {(c.Effect == AccessEffect.Same ? "left it the same" : AccessChange.Word(c.Effect) + " it")}")
                .ToList();
            return counts.Count == 0 ? "no change" : string.Join(", ", counts);
        }
    }

    /// <summary>One sentence: the verdict and the counts, e.g. <c>Access widened: 2 change(s) widened it, 1 narrowed it.</c></summary>
    public string Summary => $"Access {VerdictWords}: {Counts}.";
}
