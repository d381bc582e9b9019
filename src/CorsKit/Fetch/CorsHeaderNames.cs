namespace CorsKit.Fetch;

/// <summary>Header names that <see cref="Microsoft.AspNetCore.Http.IHeaderDictionary"/> has no property for.</summary>
internal static class CorsHeaderNames
{
    public const string AccessControlAllowPrivateNetwork = "Access-Control-Allow-Private-Network";
    public const string AccessControlRequestPrivateNetwork = "Access-Control-Request-Private-Network";
    public const string SecFetchSite = "Sec-Fetch-Site";
}
