using System.Globalization;

namespace CorsKit.Policies;

/// <summary>
/// The access a setting decides. A change that widens either widens access; each counts only
/// while what decides it is enforced, since a setting nothing applies answers no request differently.
/// </summary>
[Flags]
internal enum Grants
{
    /// <summary>
    /// No access: the setting says how, not what (how long a preflight answer is cached), or it is
    /// compared as the key it is compiled into.
    /// </summary>
    Nothing = 0,

    /// <summary>
    /// What CorsKit's CORS answers let pages do: read responses, and send what a preflight asked
    /// for (a method, headers, private-network access). A policy decides them only while it is
    /// enforced: in report-only mode CorsKit writes no header and answers no preflight.
    /// </summary>
    Reads = 1,

    /// <summary>
    /// Which cross-origin writes run without a preflight (a form post, a simple <c>fetch</c>): the
    /// CSRF guard's judgement, which uses the policy's origins and credentials. Decided only while
    /// the guard enforces.
    /// </summary>
    Writes = 2,
}

/// <summary>
/// One policy as a comparison sees it: the compiled policy, whether its CORS answers are enforced,
/// and whether the CSRF guard enforces in its configuration.
/// </summary>
internal readonly record struct PolicyAccess(CompiledPolicy Policy, bool Enforced, bool GuardEnforces)
{
    /// <summary>
    /// <paramref name="policy"/> in <paramref name="set"/>; null stands for no policy
    /// (<see cref="CompiledPolicy.DenyAll"/>: endpoints without a policy, disabled endpoints),
    /// which is always enforced whatever the section's mode: it denies everything.
    /// </summary>
    public static PolicyAccess In(CompiledPolicySet set, CompiledPolicy? policy)
    {
        var compiled = policy ?? CompiledPolicy.DenyAll;
        var enforced = compiled.IsNone || !compiled.ReportOnly;
        return new(compiled, enforced, set.Guard == CrossOriginGuardMode.Enforce);
    }
}

/// <summary>
/// One difference a setting's comparison found: its effect on access, what changed in plain words,
/// and the key under the setting's own that it concerns (null: the setting's key itself).
/// </summary>
internal readonly record struct SettingChange(AccessEffect Effect, string Description, string? SubKey = null);

/// <summary>
/// A setting of the configuration (<typeparamref name="TOwner"/>: a policy, or the whole
/// configuration) and how a change of it moves access. Made by <see cref="Setting"/>.
/// </summary>
/// <param name="key">The configuration key, as in appsettings.json.</param>
/// <param name="grants">The access it decides; <see cref="Grants.Nothing"/> with <paramref name="why"/> when it decides none.</param>
/// <param name="compare">Every difference between two values.</param>
/// <param name="why">Why it grants nothing, or how it is compared when its kind does not say (another key carries its value, it is compared policy by policy).</param>
/// <param name="comparedAs">The key whose comparison covers this one (it is compiled into it).</param>
internal sealed class Setting<TOwner>(
    string key, Grants grants, Func<TOwner, TOwner, IEnumerable<SettingChange>> compare, string? why = null, string? comparedAs = null)
{
    public string Key { get; } = key;

    public Grants Grants { get; } = grants;

    /// <summary>Why the setting grants nothing, or how it is compared when its kind does not say; null for a plain list, switch or ranked value.</summary>
    public string? Why { get; } = why;

    /// <summary>The key that carries this setting's value once compiled, compared in its place.</summary>
    public string? ComparedAs { get; } = comparedAs;

    /// <summary>Every difference from <paramref name="before"/> to <paramref name="after"/>; none when the value is the same.</summary>
    public IEnumerable<SettingChange> Compare(TOwner before, TOwner after) => compare(before, after);
}

/// <summary>Makes the kinds of <see cref="Setting{TOwner}"/>s: lists, switches, ranked values, values that grant nothing.</summary>
internal static class Setting
{
    /// <summary>
    /// A list compared entry by entry: an entry added widens access unless the old value already
    /// allowed all it stands for (<paramref name="covers"/>); one removed narrows it unless the new
    /// value still does. At most one line for each of added, added already allowed, removed, removed still allowed.
    /// </summary>
    public static Setting<TOwner> List<TOwner>(
        string key, Grants grants, Func<TOwner, IReadOnlyList<string>> read, StringComparer comparer, Func<TOwner, string, bool> covers) =>
        new(key, grants, (before, after) =>
        {
            var old = read(before);
            var current = read(after);
            var added = current.Except(old, comparer).ToList();
            var removed = old.Except(current, comparer).ToList();
            return Group(added, e => covers(before, e), "added", AccessEffect.Widened, "already allowed")
                .Concat(Group(removed, e => covers(after, e), "removed", AccessEffect.Narrowed, "still allowed"));
        });

    /// <summary>
    /// A value whose each setting gives more access the higher <paramref name="access"/> ranks it
    /// (a number, a mode); <paramref name="sameNote"/> describes a change between values of the
    /// same rank, which grants and takes away nothing.
    /// </summary>
    public static Setting<TOwner> Ranked<TOwner, TValue>(
        string key, Grants grants, Func<TOwner, TValue> read, Func<TValue, int> access, string? note = null, string? sameNote = null) =>
        new(key, grants, (before, after) => RankedChange(read(before), read(after), access, note, sameNote));

    /// <summary>A true/false setting; <paramref name="onWidens"/>: whether turning it on gives more access.</summary>
    public static Setting<TOwner> Switch<TOwner>(string key, Grants grants, Func<TOwner, bool> read, bool onWidens, string? note = null) =>
        Ranked(key, grants, read, on => on == onWidens ? 1 : 0, note);

    /// <summary>A value that grants nothing, listed as <c>same access</c> when it changes; <paramref name="why"/> says what it changes instead.</summary>
    public static Setting<TOwner> Neutral<TOwner, TValue>(string key, Func<TOwner, TValue> read, string why) =>
        new(key, Grants.Nothing, (before, after) => RankedChange(read(before), read(after), _ => 0, why, sameNote: null), why);

    /// <summary>A key compiled into <paramref name="comparedAs"/>, whose comparison lists its changes; <paramref name="why"/> says how.</summary>
    public static Setting<TOwner> ComparedAs<TOwner>(string key, Grants grants, string comparedAs, string why) =>
        new(key, grants, (_, _) => [], why, comparedAs);

    private static IEnumerable<SettingChange> RankedChange<TValue>(TValue old, TValue current, Func<TValue, int> access, string? note, string? sameNote)
    {
        if (EqualityComparer<TValue>.Default.Equals(old, current))
        {
            yield break;
        }

        var effect = (access(current) - access(old)) switch
        {
            > 0 => AccessEffect.Widened,
            < 0 => AccessEffect.Narrowed,
            _ => AccessEffect.Same,
        };
        var shown = effect == AccessEffect.Same ? sameNote ?? note : note;
        yield return new(effect, $"{Show(old)} -> {Show(current)}{(shown is null ? "" : $" ({shown})")}.");
    }

    private static IEnumerable<SettingChange> Group(List<string> entries, Func<string, bool> allowedAnyway, string verb, AccessEffect effect, string anyway)
    {
        var (same, changed) = (entries.Where(allowedAnyway).ToList(), entries.Where(e => !allowedAnyway(e)).ToList());
        if (changed.Count > 0)
        {
            yield return new(effect, $"{verb} {Quote(changed)}.");
        }

        if (same.Count > 0)
        {
            yield return new(AccessEffect.Same, $"{verb} {Quote(same)} ({anyway}).");
        }
    }

    private static string Quote(IEnumerable<string> entries) => string.Join(", ", entries.Select(e => $"'{e}'"));

    private static string Show(object? value) => value switch
    {
        null => "unset",
        bool on => on ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
