using System.Collections.Frozen;

namespace CorsKit.Policies;

/// <summary>
/// An allow-list of method or header names, with the wildcard <c>*</c> kept apart from the names.
/// Looked up by span so that checking a request allocates nothing.
/// </summary>
internal sealed class NameSet
{
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameSet(IReadOnlyList<string> names, bool containsWildcard, StringComparer comparer)
    {
        Names = names;
        ContainsWildcard = containsWildcard;
        _lookup = names.Where(n => n != "*").ToFrozenSet(comparer).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static NameSet Empty { get; } = new([], containsWildcard: false, StringComparer.Ordinal);

    /// <summary>The names as configured (including <c>*</c> if present), in order: the response header value.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool ContainsWildcard { get; }

    /// <summary>Whether <paramref name="name"/> is listed by name (the wildcard aside).</summary>
    public bool Contains(ReadOnlySpan<char> name) => _lookup.Contains(name);
}
