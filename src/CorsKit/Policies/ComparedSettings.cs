using System.Globalization;

namespace CorsKit.Policies;

/// <summary>A list of a policy compared entry by entry; <c>covers</c> says whether a policy allows all that an entry stands for.</summary>
internal sealed class ListSetting(
    string key, Func<CompiledPolicy, IReadOnlyList<string>> read, StringComparer comparer, Func<CompiledPolicy, string, bool> covers)
{
    public string Key { get; } = key;

    /// <summary>The entries added and removed, grouped by their effect: at most one line for each of added, added already allowed, removed, removed still allowed.</summary>
    public IEnumerable<(AccessEffect Effect, string Description)> Compare(CompiledPolicy before, CompiledPolicy after)
    {
        var old = read(before);
        var current = read(after);
        var added = current.Except(old, comparer).ToList();
        var removed = old.Except(current, comparer).ToList();
        return Group(added, e => covers(before, e), "added", AccessEffect.Widened, "already allowed")
            .Concat(Group(removed, e => covers(after, e), "removed", AccessEffect.Narrowed, "still allowed"));
    }

    private static IEnumerable<(AccessEffect, string)> Group(List<string> entries, Func<string, bool> allowedAnyway, string verb, AccessEffect effect, string anyway)
    {
        var (same, changed) = (entries.Where(allowedAnyway).ToList(), entries.Where(e => !allowedAnyway(e)).ToList());
        if (changed.Count > 0)
        {
            yield return (effect, $"{verb} {Quote(changed)}.");
        }

        if (same.Count > 0)
        {
            yield return (AccessEffect.Same, $"{verb} {Quote(same)} ({anyway}).");
        }
    }

    private static string Quote(IEnumerable<string> entries) => string.Join(", ", entries.Select(e => $"'{e}'"));
}

/// <summary>A single value compared as a whole: a switch, a mode or a number.</summary>
internal sealed class ValueSetting<TOwner>(string key, Func<TOwner, object?> read, Func<object?, int>? access, string? note)
{
    public string Key { get; } = key;

    /// <summary>The change, or null when the value is the same.</summary>
    public (AccessEffect Effect, string Description)? Compare(TOwner before, TOwner after)
    {
        var (old, current) = (read(before), read(after));
        if (Equals(old, current))
        {
            return null;
        }

        var effect = access is null ? AccessEffect.Same : (access(current) - access(old)) switch
        {
            > 0 => AccessEffect.Widened,
            < 0 => AccessEffect.Narrowed,
            _ => AccessEffect.Same,
        };
        return (effect, $"{Show(old)} -> {Show(current)}{(note is null ? "" : $" ({note})")}.");
    }

    private static string Show(object? value) => value switch
    {
        null => "unset",
        bool on => on ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Makes <see cref="ValueSetting{TOwner}"/>s.</summary>
internal static class ValueSetting
{
    /// <summary>A value whose each setting gives more access the higher <paramref name="access"/> ranks it (e.g. an enforcement mode: report-only above enforce).</summary>
    public static ValueSetting<TOwner> Ranked<TOwner, TValue>(string key, Func<TOwner, TValue> read, Func<TValue, int> access, string? note = null) =>
        new(key, owner => read(owner), value => access((TValue)value!), note);

    /// <summary>A true/false setting; <paramref name="onWidens"/>: whether turning it on gives more access.</summary>
    public static ValueSetting<TOwner> Switch<TOwner>(string key, Func<TOwner, bool> read, bool onWidens, string? note = null) =>
        Ranked(key, read, on => on == onWidens ? 1 : 0, note);

    /// <summary>A value that changes no access; <paramref name="note"/> says what it changes instead.</summary>
    public static ValueSetting<TOwner> Neutral<TOwner, TValue>(string key, Func<TOwner, TValue> read, string note) =>
        new(key, owner => read(owner), access: null, note);
}
