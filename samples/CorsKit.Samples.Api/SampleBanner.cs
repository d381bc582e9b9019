using CorsKit.Samples.Api.Tenants;

namespace CorsKit.Samples.Api;

/// <summary>Tells whoever started the sample where it listens and how to see CorsKit at work.</summary>
internal static partial class SampleBanner
{
    public static void Log(WebApplication app)
    {
        if (!app.Logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var url = app.Urls.FirstOrDefault() ?? "http://localhost:5080";
        var (tenant, tenantOrigin, _) = TenantDatabase.Seed[0];
        var (otherTenant, _, _) = TenantDatabase.Seed[1];
        var adminKey = app.Services.GetRequiredService<TenantAdminKey>();
        var keyHeader = $"-H '{TenantAdminKey.Header}: {adminKey.Generated ?? $"<{TenantAdminKey.Setting}>"}'";
        Started(app.Logger, url, string.Join(Environment.NewLine, [
            "Try it:",
            $"  allowed origin:   curl -i {url}/api/data -H 'Origin: https://my-frontend.com'",
            $"  preflight:        curl -i -X OPTIONS {url}/api/items/1 -H 'Origin: https://my-frontend.com' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'",
            $"  blocked origin:   curl -i -X POST {url}/api/items -H 'Origin: https://evil.example' -H 'Content-Type: text/plain' --data x",
            $"  no Origin (curl): curl -i {url}/api/data",
            $"Tenants (origins per tenant in SQLite: {app.Services.GetRequiredService<TenantDatabase>().Path}):",
            $"  tenant's origin:  curl -i {url}/tenants/{tenant}/orders -H 'Origin: {tenantOrigin}'",
            $"  other tenant's:   curl -i {url}/tenants/{otherTenant}/orders -H 'Origin: {tenantOrigin}'",
            adminKey.Enabled
                ? $"  add an origin:    curl -i -X POST {url}/admin/tenants/{tenant}/origins {keyHeader} -H 'Content-Type: application/json' --data '{{\"origin\":\"https://shop.{tenant}.example\"}}'"
                : $"  add an origin:    off; set {TenantAdminKey.Setting} (at least {TenantAdminKey.MinimumLength} characters) to turn /admin/tenants on",
        ]));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, SkipEnabledCheck = true, Message = "CorsKit sample API listening on {Url}\n{Examples}")]
    private static partial void Started(ILogger logger, string url, string examples);
}
