using System.Net;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// A response as the browser receives it: the status, every <c>Access-Control-*</c> header line
/// verbatim ("Name: value", one per line on the wire, sorted by name, so that a doubled header
/// shows as two lines), every <c>Vary</c> line verbatim, and the body.
/// </summary>
public sealed record Answer(HttpStatusCode Status, IReadOnlyList<string> AccessControl, IReadOnlyList<string> Vary, string Body)
{
    public static async Task<Answer> Of(HttpResponseMessage response)
    {
        using (response)
        {
            var accessControl = response.Headers.NonValidated
                .Concat(response.Content.Headers.NonValidated)
                .Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
                .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .SelectMany(h => h.Value.Select(value => $"{h.Key}: {value}"))
                .ToList();
            var vary = response.Headers.NonValidated.TryGetValues("Vary", out var values) ? values.ToList() : [];
            return new Answer(response.StatusCode, accessControl, vary, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The Vary tokens, split on commas, in order.</summary>
    public IReadOnlyList<string> VaryTokens => Vary.SelectMany(v => v.Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();

    public override string ToString() =>
        $"{(int)Status} {Status}; {string.Join("; ", AccessControl)}; Vary lines: [{string.Join(" | ", Vary)}]; body: {Body}";
}
