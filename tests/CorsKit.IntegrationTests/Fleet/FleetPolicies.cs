namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// The policies the fleet tests swap between. Blue and green allow the same origin but differ in
/// every other header a preflight or an actual request gets (methods, headers, max-age,
/// credentials, exposed headers), so that an answer mixing the two, or a policy only half
/// applied, matches neither.
/// </summary>
internal static class FleetPolicies
{
    public const string Origin = "https://app.example.com";

    public const string PreflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

    public static readonly PolicyVersion Blue = new(
        "blue",
        """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
          "Origins": [ "https://app.example.com" ],
          "Methods": [ "PUT" ],
          "Headers": [ "X-Blue-One", "X-Blue-Two" ],
          "ExposedHeaders": [ "X-Blue-Id" ],
          "MaxAgeSeconds": 600
        } } } }
        """,
        Preflight: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Access-Control-Allow-Origin"] = Origin,
            ["Access-Control-Allow-Methods"] = "PUT",
            ["Access-Control-Allow-Headers"] = "X-Blue-One, X-Blue-Two",
            ["Access-Control-Max-Age"] = "600",
            ["Vary"] = PreflightVary,
        },
        Actual: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Access-Control-Allow-Origin"] = Origin,
            ["Access-Control-Expose-Headers"] = "X-Blue-Id",
            ["Vary"] = "Origin",
        });

    public static readonly PolicyVersion Green = new(
        "green",
        """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
          "Origins": [ "https://app.example.com" ],
          "Methods": [ "PATCH", "DELETE" ],
          "Headers": [ "X-Green" ],
          "ExposedHeaders": [ "X-Green-Id", "X-Green-Trace" ],
          "AllowCredentials": true,
          "MaxAgeSeconds": 60
        } } } }
        """,
        Preflight: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Access-Control-Allow-Origin"] = Origin,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Allow-Methods"] = "PATCH, DELETE",
            ["Access-Control-Allow-Headers"] = "X-Green",
            ["Access-Control-Max-Age"] = "60",
            ["Vary"] = PreflightVary,
        },
        Actual: new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Access-Control-Allow-Origin"] = Origin,
            ["Access-Control-Allow-Credentials"] = "true",
            ["Access-Control-Expose-Headers"] = "X-Green-Id, X-Green-Trace",
            ["Vary"] = "Origin",
        });

    /// <summary>A configuration CorsKit refuses: <c>*</c> with credentials.</summary>
    public const string Invalid = """
        { "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
          "Origins": [ "*" ],
          "Methods": [ "PATCH" ],
          "AllowCredentials": true
        } } } }
        """;

    /// <summary>The request the tests send: a preflight (OPTIONS with Access-Control-Request-Method: GET) or a GET, from <see cref="Origin"/>.</summary>
    public static HttpRequestMessage Request(Uri baseAddress, bool preflight)
    {
        var request = new HttpRequestMessage(preflight ? HttpMethod.Options : HttpMethod.Get, new Uri(baseAddress, "/api/data"));
        request.Headers.Add("Origin", Origin);
        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "GET");
        }

        return request;
    }
}

/// <summary>A policy as configured and the CORS headers each kind of request must get under it, complete and nothing else.</summary>
internal sealed record PolicyVersion(
    string Name, string Json, IReadOnlyDictionary<string, string> Preflight, IReadOnlyDictionary<string, string> Actual)
{
    public bool Answered(CorsAnswer answer, bool preflight) =>
        answer.Status == (preflight ? 204 : 200) && answer.HasExactly(preflight ? Preflight : Actual);

    public override string ToString() => Name;
}
