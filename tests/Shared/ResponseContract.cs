using System.Net.Http.Headers;

namespace CorsKit.Testing;

/// <summary>
/// Reads the CORS contract of a response: every Access-Control-* header with its exact value,
/// and the Vary tokens, so a test can assert all of it at once rather than one header.
/// </summary>
public static class ResponseContract
{
    /// <summary>Every Access-Control-* response header, name to value (several lines joined by ", ").</summary>
    public static Dictionary<string, string> AccessControlHeaders(HttpResponseMessage response) =>
        AccessControlHeaders(response.Headers.Concat(response.Content.Headers));

    public static Dictionary<string, string> AccessControlHeaders(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers
            .Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>The Vary tokens in order, split on commas and trimmed.</summary>
    public static List<string> VaryTokens(HttpResponseMessage response) =>
        VaryTokens(response.Headers.Vary);

    public static List<string> VaryTokens(IEnumerable<string> varyValues) =>
        varyValues.SelectMany(v => v.Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();

    public static HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static HttpRequestMessage Preflight(string path, string origin, string method, string? requestHeaders = null)
    {
        var request = Request(HttpMethod.Options, path, ("Origin", origin), ("Access-Control-Request-Method", method));
        if (requestHeaders is not null)
        {
            request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", requestHeaders);
        }

        return request;
    }

    /// <summary>A request with a body of the given content type.</summary>
    public static HttpRequestMessage WithBody(this HttpRequestMessage request, string body, string contentType)
    {
        request.Content = new StringContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    /// <summary>The contract of a preflight answered by the sample's or the test app's credentialed policy.</summary>
    public static readonly string[] PreflightVary =
        ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Access-Control-Request-Private-Network"];
}
