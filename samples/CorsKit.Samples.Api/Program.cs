// The classic Express + cors example, rebuilt with CorsKit:
//   const corsOptions = { origin: ['https://my-frontend.com', 'https://admin.my-frontend.com'],
//                         methods: ['GET', 'POST', 'PUT', 'DELETE'],
//                         allowedHeaders: ['Content-Type', 'Authorization'], credentials: true };
//   app.use(cors(corsOptions));
//   app.get('/api/data', (req, res) => res.json({ message: 'Securely Connected!' }));
// The allow-list lives in appsettings.json ("Cors" section); the two CorsKit lines are marked.
// Beyond Express: a multi-tenant route whose origins live in SQLite, per tenant (Tenants/).
using System.Security.Claims;
using CorsKit.Samples.Api;
using CorsKit.Samples.Api.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddStrictCors(); // CorsKit (1/2): policies from the "Cors" section
builder.Services.AddSingleton<ItemStore>();
// The "tenants" policy's origins come from this store, per route value {tenant}: a SQLite file
// (Tenants:Database, default App_Data/tenants.db under the content root), created on first run.
builder.Services.AddStrictCorsOriginStore<SqliteTenantOriginStore>();
builder.Services.AddSingleton(services => new TenantDatabase(Path.Combine(
    services.GetRequiredService<IHostEnvironment>().ContentRootPath,
    services.GetRequiredService<IConfiguration>()["Tenants:Database"] ?? TenantDatabase.DefaultPath)));
builder.Services.AddSingleton<TenantOrigins>();
builder.Services.AddSingleton<TenantAdminKey>();
builder.Services
    .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "corskit-sample";
        options.Cookie.HttpOnly = true;
        // A cross-site page only sends the cookie with SameSite=None, which browsers accept only
        // with Secure (and treat http://localhost as secure).
        options.Cookie.SameSite = SameSiteMode.None;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();
// Keys live in memory: a restart signs everyone out, which is fine for a sample.
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
builder.Services.AddControllers();

var app = builder.Build();
app.Services.GetRequiredService<TenantDatabase>().EnsureCreated(); // creates and seeds the file on first run
_ = app.Services.GetRequiredService<TenantAdminKey>();             // a configured key too short to be safe stops startup here

app.UseStrictCors(); // CorsKit (2/2): before authentication and the endpoints
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/api/data", () => Results.Ok(new { message = "Securely Connected!" }));

var items = app.MapGroup("/api/items");
items.MapGet("/", (ItemStore store) => store.All());
items.MapGet("/{id:int}", (int id, ItemStore store) => store.Find(id) is { } item ? Results.Ok(item) : Results.NotFound());
items.MapPost("/", (ItemInput input, ItemStore store) =>
{
    var item = store.Add(input.Name);
    return Results.Created($"/api/items/{item.Id}", item);
});
items.MapPut("/{id:int}", (int id, ItemInput input, ItemStore store) =>
    store.Replace(id, input.Name) is { } item ? Results.Ok(item) : Results.NotFound());
items.MapDelete("/{id:int}", (int id, ItemStore store) => store.Remove(id) ? Results.NoContent() : Results.NotFound());

// A cookie login, so credentialed cross-origin requests can be tried. Any non-empty name works.
app.MapPost("/api/login", async (LoginInput input, HttpContext context) =>
{
    if (string.IsNullOrWhiteSpace(input.Name))
    {
        return Results.BadRequest(new { error = "name is required" });
    }

    var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, input.Name)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.NoContent();
});
app.MapPost("/api/logout", async (HttpContext context) =>
{
    await context.SignOutAsync();
    return Results.NoContent();
});
app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new { name = user.Identity!.Name })).RequireAuthorization();

// A public, read-only route: any origin may read it, without credentials.
app.MapGet("/public/status", () => Results.Ok(new { status = "ok" })).RequireStrictCors("public");

// Administration: no cross-origin access at all, whatever the default policy says.
var admin = app.MapGroup("/admin").DisableStrictCors();
admin.MapGet("/stats", (ItemStore store) => Results.Ok(new { items = store.All().Count() }));
admin.MapPost("/reset", (ItemStore store) =>
{
    store.Clear();
    return Results.NoContent();
});

// Multi-tenant: a tenant's orders, readable by the tenant's own origins, which live in SQLite and
// which CorsKit reads per route value (policy "tenants", "OriginStore": { "Key": "Route:tenant" }).
var orders = app.MapGroup("/tenants/{tenant}/orders").RequireStrictCors(TenantDatabase.Policy);
orders.MapGet("/", (string tenant, TenantDatabase tenants, CancellationToken cancellationToken) => tenants.OrdersAsync(tenant, cancellationToken));
orders.MapPost("/", async (string tenant, OrderInput input, TenantDatabase tenants, CancellationToken cancellationToken) =>
{
    var order = await tenants.AddOrderAsync(tenant, input.Item, cancellationToken);
    return Results.Created($"/tenants/{Uri.EscapeDataString(tenant)}/orders/{order.Id}", order);
});
orders.MapPut("/{id:long}", async (string tenant, long id, OrderInput input, TenantDatabase tenants, CancellationToken cancellationToken) =>
    await tenants.RenameOrderAsync(tenant, id, input.Item, cancellationToken) is { } order ? Results.Ok(order) : Results.NotFound());

// Who may read a tenant's data: changed only with the admin key (TenantAdminKey), never from
// another origin (the /admin group), and applied at once (TenantOrigins invalidates CorsKit's cache).
var tenantOrigins = admin.MapGroup("/tenants/{tenant}/origins").AddEndpointFilter(TenantAdminKey.RequireAsync);
tenantOrigins.MapGet("/", (string tenant, TenantOrigins origins, CancellationToken cancellationToken) => origins.ListAsync(tenant, cancellationToken));
tenantOrigins.MapPost("/", async (string tenant, OriginInput input, TenantOrigins origins, CancellationToken cancellationToken) =>
    input.Origin is not { Length: > 0 and <= 512 } origin
        ? Results.BadRequest(new { error = "origin is required (at most 512 characters)" })
        : await origins.AddAsync(tenant, origin, cancellationToken) ? Results.Created() : Results.Ok());
tenantOrigins.MapDelete("/", async (string tenant, string origin, TenantOrigins origins, CancellationToken cancellationToken) =>
    await origins.RemoveAsync(tenant, origin, cancellationToken) ? Results.NoContent() : Results.NotFound());

// Controllers use attributes: see Controllers/ReportsController.cs.
app.MapControllers();

app.Lifetime.ApplicationStarted.Register(() => SampleBanner.Log(app));

app.Run();

/// <summary>Exposed for WebApplicationFactory in the integration tests.</summary>
public partial class Program;
