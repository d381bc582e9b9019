// A minimal API served four ways for the end-to-end comparison (bench/e2e/run.sh):
//   corskit    CorsKit with the benchmark policy
//   framework  Microsoft.AspNetCore.Cors with the equivalent policy
//   headers    a control: a one-line middleware writes the four headers CorsKit sends
//              (Access-Control-Allow-Origin/-Credentials/-Expose-Headers, Vary), with no CORS logic,
//              to tell the cost of the extra response bytes from the cost of CorsKit's work
//   none       no CORS middleware at all
// Usage: CorsKit.Benchmarks.Server <corskit|framework|headers|none> <port>
using System.Net;

var mode = args.Length > 0 ? args[0] : "none";
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5090;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
switch (mode)
{
    case "corskit":
        builder.Services.AddStrictCors(o => o.AddDefaultPolicy("web", p => p
            .WithOrigins("https://app.example.com")
            .WithMethods("PUT", "DELETE")
            .WithHeaders("Content-Type", "Authorization")
            .WithExposedHeaders("X-Request-Id")
            .AllowCredentials()
            .WithMaxAge(TimeSpan.FromMinutes(10))));
        break;
    case "framework":
        builder.Services.AddCors(o => o.AddPolicy("web", p => p
            .WithOrigins("https://app.example.com")
            .WithMethods("PUT", "DELETE")
            .WithHeaders("Content-Type", "Authorization")
            .WithExposedHeaders("X-Request-Id")
            .AllowCredentials()
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        break;
    case "none":
    case "headers":
        break;
    default:
        throw new ArgumentException($"Unknown mode '{mode}': use corskit, framework or none.");
}

var app = builder.Build();
if (mode == "corskit")
{
    app.UseStrictCors();
}
else if (mode == "framework")
{
    app.UseCors("web");
}
else if (mode == "headers")
{
    app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = context.Request.Headers.Origin;
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlExposeHeaders = "X-Request-Id";
        headers.Vary = "Origin";
        return next(context);
    });
}

app.MapGet("/api/data", () => Results.Text("""{"message":"Securely Connected!"}""", "application/json"));

// The same answer from an endpoint that names its policy (CORS endpoint metadata), for which a
// CORS middleware must also leave the framework's "CORS middleware ran" marker in HttpContext.Items.
var named = app.MapGet("/api/named-policy", () => Results.Text("""{"message":"Securely Connected!"}""", "application/json"));
if (mode == "corskit")
{
    named.RequireStrictCors("web");
}
else if (mode == "framework")
{
    named.RequireCors("web");
}

// Bytes allocated by the whole process so far, for bench/e2e/allocations.sh.
app.MapGet("/allocated-bytes", () => GC.GetTotalAllocatedBytes(precise: true).ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Run();
