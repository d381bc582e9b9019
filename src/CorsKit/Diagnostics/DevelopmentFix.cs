namespace CorsKit.Diagnostics;

/// <summary>
/// One change to the configuration, as the Development problem details list it in
/// <c>changes</c>: <c>add</c> appends <see cref="Value"/> to the list at <see cref="Key"/>,
/// <c>remove</c> takes it out of that list, <c>set</c> sets the value (a string or a boolean).
/// </summary>
internal readonly record struct ConfigurationChange(string Key, string Op, object Value)
{
    public static ConfigurationChange Add(string key, string value) => new(key, "add", value);

    public static ConfigurationChange Remove(string key, string value) => new(key, "remove", value);

    public static ConfigurationChange Set(string key, string value) => new(key, "set", value);

    public static ConfigurationChange Set(string key, bool value) => new(key, "set", value);
}

/// <summary>
/// What would let a refused request through: <see cref="Text"/> for people and, when that is a
/// change of configuration that validation accepts, the <see cref="Changes"/> that make it
/// (empty when the client must change, or the endpoint's code).
/// </summary>
internal sealed record DevelopmentFix(string Text, IReadOnlyList<ConfigurationChange> Changes)
{
    /// <summary>A fix no configuration makes: the client or the app's code must change.</summary>
    public static DevelopmentFix NotConfiguration(string text) => new(text, []);
}
