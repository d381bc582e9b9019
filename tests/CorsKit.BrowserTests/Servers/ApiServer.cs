using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CorsKit.BrowserTests.Servers;

/// <summary>
/// An API behind CorsKit with one policy. A first middleware counts every request as it arrives
/// (preflights included, before CorsKit answers them) and the status it got; endpoints count
/// their own runs.
/// </summary>
public sealed class ApiServer(string host, Action<StrictCorsPolicyBuilder> policy) : LoopbackServer
{
    public const string SessionCookie = "sid";

    public RequestCounter Requests { get; } = new();

    public string Origin => $"http://{host}:{Port}";

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddStrictCors(o => o.AddDefaultPolicy("test", policy));

    protected override void Map(WebApplication app)
    {
        app.Use(Requests.CountAsync);
        // WebApplication routes first, so the override below rewrites the method after routing
        // chose the endpoint: the order in which a naive guard would judge the rewritten method.
        app.UseHttpMethodOverride(new HttpMethodOverrideOptions { FormFieldName = "_method" });
        app.UseStrictCors();

        // A POST-only write. Counted as POST whatever method an override left on the request.
        app.MapPost("/transfer/{*rest}", (HttpContext context) =>
        {
            Requests.CountRun(HttpMethods.Post, context.Request.Path);
            return Results.Text("transferred");
        });
        app.Map("/r/{*rest}", (HttpContext context) =>
        {
            Ran(context);
            context.Response.Headers["X-Exposed"] = "exposed-value";
            context.Response.Headers["X-Hidden"] = "hidden-value";
            return Results.Text("ran");
        });
        // A form_post callback (OpenID Connect's case): cross-site form posts run it, nothing else does.
        app.MapPost("/callback/{*rest}", (HttpContext context) =>
        {
            Ran(context);
            return Results.Text("called back");
        }).AllowCrossOriginFormPosts();
        // Sends the request on to ?to=, keeping its method and body.
        app.Map("/redirect/{*rest}", (HttpContext context) =>
        {
            Ran(context);
            return Results.Redirect(context.Request.Query["to"].ToString(), permanent: false, preserveMethod: true);
        });
        app.MapPost("/login", (HttpContext context) =>
        {
            Ran(context);
            context.Response.Cookies.Append(SessionCookie, "user-42", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return Results.NoContent();
        });
        app.MapGet("/me", (HttpContext context) =>
        {
            Ran(context);
            return Results.Text(context.Request.Cookies[SessionCookie] ?? "anonymous");
        });
        app.MapGet("/same-origin-page", () => Results.Content(PageServer.Html, "text/html"));
    }

    private void Ran(HttpContext context) => Requests.CountRun(context.Request.Method, context.Request.Path);
}
