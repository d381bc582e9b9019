namespace CorsKit.Hosting.Configuration;

/// <summary>
/// What the endpoints require of the configuration, checked when the app started, so that a reload
/// cannot take it away: the policy names they use, and whether one relies on the default policy
/// (<c>[EnableCors]</c> without a name). Each comes with one endpoint, for messages.
/// </summary>
internal sealed record PoliciesInUse(IReadOnlyDictionary<string, string> Named, string? DefaultUsedBy)
{
    public static PoliciesInUse None { get; } = new(new Dictionary<string, string>(), null);
}
