using System.Net;
using CorsKit.FleetApp.Tenants;
using Microsoft.AspNetCore.HttpOverrides;

namespace CorsKit.FleetApp;

/// <summary>
/// One instance of a fleet as README's "Running a fleet" sets it up: the policies come from an
/// appsettings.json mounted from a Kubernetes ConfigMap (the directory named by
/// <c>Fleet:ConfigDirectory</c>), reloaded on change, with environment variables and the command
/// line still above it; behind a reverse proxy on loopback that <c>UseForwardedHeaders()</c>
/// trusts. The tests start several of these as real processes (<c>dotnet CorsKit.FleetApp.dll
/// --urls http://127.0.0.1:0</c>) and read their console logs. With <c>Fleet:PostgreSQL</c> set,
/// the instances also share a tenants database (<see cref="FleetTenants"/>).
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        if (builder.Configuration["Fleet:ConfigDirectory"] is { Length: > 0 } directory)
        {
            // The ConfigMap's file; reloadOnChange sees the kubelet's swaps only with
            // DOTNET_USE_POLLING_FILE_WATCHER=true (README, "Running a fleet").
            builder.Configuration.AddJsonFile(Path.Combine(directory, "appsettings.json"), optional: false, reloadOnChange: true);

            // Environment variables and the command line stay above the file, as they are above appsettings.json.
            builder.Configuration.AddEnvironmentVariables().AddCommandLine(args);
        }

        builder.Services.AddStrictCors();
        var postgres = builder.Configuration["Fleet:PostgreSQL"];
        if (!string.IsNullOrEmpty(postgres))
        {
            FleetTenants.Add(builder, postgres);
        }

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

            // Trust the proxy in front (nginx on loopback) and nothing else.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            options.KnownProxies.Add(IPAddress.Loopback);
        });

        var app = builder.Build();
        var instance = app.Configuration["Fleet:Instance"] ?? "fleet";

        app.Use((context, next) =>
        {
            context.Response.Headers["X-Fleet-Instance"] = instance;
            return next(context);
        });
        app.UseForwardedHeaders();
        app.UseStrictCors();

        // What the instance saw of the request, after the forwarded headers were applied.
        app.MapGet("/api/data", (HttpContext context) => Results.Ok(Seen(instance, context)));
        app.MapPost("/api/items", (HttpContext context) => Results.Ok(Seen(instance, context)));

        if (!string.IsNullOrEmpty(postgres))
        {
            await FleetTenants.MapAsync(app);
        }

        await app.RunAsync();
    }

    private static SeenRequest Seen(string instance, HttpContext context) =>
        new(instance, context.Request.Scheme, context.Request.Host.Value ?? string.Empty, context.Connection.RemoteIpAddress?.ToString() ?? string.Empty);

    /// <summary>The instance's name and the request as it reached the endpoint.</summary>
    private sealed record SeenRequest(string Instance, string Scheme, string Host, string RemoteIp);
}
