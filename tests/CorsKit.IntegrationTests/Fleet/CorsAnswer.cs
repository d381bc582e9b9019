namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// The CORS part of a response as it arrived: the status and every <c>Access-Control-*</c> and
/// <c>Vary</c> header line, unparsed and in order, so that a duplicated or dropped line shows.
/// </summary>
internal sealed record CorsAnswer(int Status, IReadOnlyList<(string Name, string Value)> Headers, string? Instance)
{
    public static CorsAnswer From(HttpResponseMessage response)
    {
        var lines = new List<(string, string)>();
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            if (name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase) || name.Equals("Vary", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    lines.Add((name, value));
                }
            }
        }

        return new CorsAnswer(
            (int)response.StatusCode,
            lines,
            response.Headers.TryGetValues("X-Fleet-Instance", out var instance) ? string.Join(",", instance) : null);
    }

    /// <summary>Sends <paramref name="request"/> and reads the answer (the body too, so the connection can be reused).</summary>
    public static async Task<CorsAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            await response.Content.ReadAsByteArrayAsync();
            return From(response);
        }
    }

    /// <summary>Whether the CORS headers are exactly <paramref name="expected"/>: each once, with that value, and no other.</summary>
    public bool HasExactly(IReadOnlyDictionary<string, string> expected) =>
        Headers.Count == expected.Count
        && Headers.Select(h => h.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == Headers.Count
        && Headers.All(h => expected.TryGetValue(h.Name, out var value) && value == h.Value);

    /// <summary>The same status and the same header lines (names compared case-insensitively, values byte for byte).</summary>
    public bool SameAs(CorsAnswer other) =>
        Status == other.Status
        && Normalized().SequenceEqual(other.Normalized());

    public override string ToString() =>
        $"{Status} [{string.Join("; ", Headers.Select(h => $"{h.Name}: {h.Value}"))}]" + (Instance is null ? string.Empty : $" from {Instance}");

    private IEnumerable<string> Normalized() =>
        Headers.Select(h => $"{h.Name.ToLowerInvariant()}: {h.Value}").Order(StringComparer.Ordinal);
}
