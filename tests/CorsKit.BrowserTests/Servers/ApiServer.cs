using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

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

    /// <summary>What the OpenID Connect handler consumed, as "path state=..." (a genuine callback stands for a valid answer).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> HandlerConsumed { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddStrictCors(o => o.AddDefaultPolicy("test", policy));
        // A remote scheme whose callback paths CorsKit lets cross-site form posts reach: static
        // configuration, nothing is downloaded; default options, so the handler declines what it
        // does not recognise (a multipart POST to its remote sign-out path).
        builder.Services.AddAuthentication("Cookies")
            .AddCookie("Cookies")
            .AddOpenIdConnect("oidc", o =>
            {
                o.Configuration = new OpenIdConnectConfiguration { Issuer = "http://idp.localhost", AuthorizationEndpoint = "http://idp.localhost/authorize" };
                o.ClientId = "corskit-browser-tests";
                o.Events.OnMessageReceived = context =>
                {
                    if (context.ProtocolMessage.State == "genuine")
                    {
                        HandlerConsumed.Enqueue($"{context.Request.Path} state=genuine");
                        context.HandleResponse();
                    }

                    return Task.CompletedTask;
                };
            });
    }

    protected override void Map(WebApplication app)
    {
        app.Use(Requests.CountAsync);
        // WebApplication routes first, so the override below rewrites the method after routing
        // chose the endpoint: the order in which a naive guard would judge the rewritten method.
        app.UseHttpMethodOverride(new HttpMethodOverrideOptions { FormFieldName = "_method" });
        app.UseStrictCors();
        app.UseAuthentication();

        // A root-level parameter route: what routing selects at /signin-oidc and /signout-oidc
        // when the handler declines a request there.
        app.MapPost("/{slug}", (HttpContext context) =>
        {
            Ran(context);
            return Results.Text("written");
        });

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
