using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CorsKit.BrowserTests.Servers;

/// <summary>
/// Serves an empty page under any host name: every engine resolves <c>*.localhost</c> names to
/// loopback (Chromium and Firefox themselves, WebKitGTK through GLib's resolver), so one server
/// gives as many page origins as there are names
/// (<c>http://app.corskit.localhost:PORT</c>, <c>http://evil.localhost:PORT</c>, …).
/// It also hosts a reference endpoint without CorsKit, to see what the browser itself does with
/// a given answer.
/// </summary>
public sealed class PageServer : LoopbackServer
{
    public const string Html = "<!doctype html><html><head><title>CorsKit browser test</title></head><body></body></html>";

    public RequestCounter Requests { get; } = new();

    public string Origin(string host) => $"http://{host}:{Port}";

    protected override void Map(WebApplication app)
    {
        app.Use(Requests.CountAsync);
        app.MapGet("/", () => Results.Content(Html, "text/html"));

        // Answers every preflight with "Access-Control-Allow-Headers: *" for the page's origin,
        // whatever it asks: the browser alone decides what that covers.
        app.Map("/star-headers/{*rest}", (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                headers.AccessControlAllowMethods = "*";
                headers.AccessControlAllowHeaders = "*";
                return Results.NoContent();
            }

            Requests.CountRun(context.Request.Method, context.Request.Path);
            return Results.Text("ran");
        });
    }
}
