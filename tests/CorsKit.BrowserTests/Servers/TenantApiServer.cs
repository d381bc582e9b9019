using CorsKit.Samples.Api.Tenants;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.BrowserTests.Servers;

/// <summary>
/// The sample's multi-tenant API on its own Kestrel server, with the request counter ahead of
/// CorsKit: /tenants/{tenant}/orders under a policy whose origins come per tenant from a real
/// SQLite file (a temporary folder of its own, deleted with the server), read by the sample's own
/// store and changed through the sample's own <see cref="TenantOrigins"/> (their sources are
/// compiled into this project). The policy is the sample's, but for a
/// <see cref="RefreshSeconds"/> of 2 instead of 60, so the expiry bound is short enough to wait.
/// </summary>
public sealed class TenantApiServer(string host) : LoopbackServer
{
    /// <summary>How long a tenant's list is used before the store is asked again: changes made in the file by anything but <see cref="Admin"/> take effect within it.</summary>
    public const int RefreshSeconds = 2;

    private readonly string _folder = Directory.CreateTempSubdirectory("corskit-browser-tenants-").FullName;
    private TenantOrigins? _admin;

    public RequestCounter Requests { get; } = new();

    public string Origin => $"http://{host}:{Port}";

    /// <summary>The tenants' file, as any other program (another instance, a console) would change it: CorsKit is not told.</summary>
    public TenantDatabase Database => field ??= new TenantDatabase(Path.Combine(_folder, "tenants.db"));

    /// <summary>The sample's admin path: the file, then CorsKit's cache invalidated.</summary>
    public TenantOrigins Admin => _admin ?? throw new InvalidOperationException("the server has not started");

    protected override void Configure(WebApplicationBuilder builder)
    {
        Database.EnsureCreated();
        builder.Services.AddStrictCors(o => o.AddDefaultPolicy(TenantDatabase.Policy, p => p
            .WithOriginStore("Route:tenant", s => s.RefreshSeconds = RefreshSeconds)
            .WithMethods("PUT")
            .WithHeaders("Content-Type", "Authorization")
            .AllowCredentials()
            .WithMaxAge(TimeSpan.FromSeconds(600))));
        builder.Services.AddStrictCorsOriginStore<SqliteTenantOriginStore>();
        builder.Services.AddSingleton(Database);
        builder.Services.AddSingleton<TenantOrigins>();
    }

    protected override void Map(WebApplication app)
    {
        _admin = app.Services.GetRequiredService<TenantOrigins>();
        app.Use(Requests.CountAsync);
        app.UseStrictCors();
        app.MapGet("/tenants/{tenant}/orders", async (string tenant, HttpContext context) =>
        {
            Ran(context);
            return Results.Json(await Database.OrdersAsync(tenant, context.RequestAborted));
        }).RequireStrictCors(TenantDatabase.Policy);
        app.MapPut("/tenants/{tenant}/orders/{id:long}", async (string tenant, long id, OrderInput input, HttpContext context) =>
        {
            Ran(context);
            return await Database.RenameOrderAsync(tenant, id, input.Item, context.RequestAborted) is { } order ? Results.Json(order) : Results.NotFound();
        }).RequireStrictCors(TenantDatabase.Policy); // as in the sample: the preflight of this PUT-only route is answered under it
    }

    protected override ValueTask StoppedAsync()
    {
        Database.CloseConnections();
        ProgramProcess.DeleteFolder(_folder);
        return ValueTask.CompletedTask;
    }

    private void Ran(HttpContext context) => Requests.CountRun(context.Request.Method, context.Request.Path);
}
