using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CorsKit.Cli.Tests;

/// <summary>
/// <c>corskit probe</c> against real Kestrel servers: one behind CorsKit, and deliberately broken
/// CORS setups that a browser would reject (or that put caches at risk).
/// </summary>
public sealed class ProbeCommandTests : IAsyncLifetime
{
    private const string App = "https://app.example.com";

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _received = new();
    private WebApplication _corsKit = null!;
    private WebApplication _broken = null!;

    private string CorsKitUrl => _corsKit.Urls.Single();

    private string BrokenUrl => _broken.Urls.Single();

    public async Task InitializeAsync()
    {
        _corsKit = Server(
            "Development",
            services => services.AddStrictCors(o =>
            {
                o.AddDefaultPolicy("app", p => p.WithOrigins(App).WithMethods("PUT").WithHeaders("Content-Type").WithExposedHeaders("X-Request-Id").AllowCredentials());
                o.AddPolicy("public", p => p.AllowAnyOrigin());
            }),
            app =>
            {
                app.Use((context, next) =>
                {
                    _received.Enqueue($"{context.Request.Method} cookie={context.Request.Headers.Cookie}");
                    return next(context);
                });
                app.UseStrictCors();
                app.MapMethods("/items/{id}", ["GET", "PUT"], (HttpContext c) =>
                {
                    c.Response.Headers["X-Request-Id"] = "7";
                    return "ok";
                });
                app.MapGet("/public", () => "ok").RequireStrictCors("public");
            });

        // Mistakes CorsKit refuses to make, written by hand.
        _broken = Server("Production", _ => { }, app =>
        {
            app.MapGet("/star-with-credentials", (HttpContext c) =>
            {
                c.Response.Headers.AccessControlAllowOrigin = "*";
                c.Response.Headers.AccessControlAllowCredentials = "true";
                return "ok";
            });
            app.MapGet("/no-vary", (HttpContext c) =>
            {
                c.Response.Headers.AccessControlAllowOrigin = c.Request.Headers.Origin;
                return "ok";
            });
            app.MapMethods("/no-allow-headers", ["OPTIONS", "PUT"], (HttpContext c) =>
            {
                c.Response.Headers.AccessControlAllowOrigin = c.Request.Headers.Origin;
                c.Response.Headers.AccessControlAllowMethods = "PUT";
                return HttpMethods.IsOptions(c.Request.Method) ? Results.NoContent() : Results.Text("ok");
            });
            app.MapMethods("/allow-list-not-tokens", ["OPTIONS", "PUT"], (HttpContext c) =>
            {
                c.Response.Headers.AccessControlAllowOrigin = c.Request.Headers.Origin;
                c.Response.Headers.AccessControlAllowMethods = "PUT";
                c.Response.Headers.AccessControlAllowHeaders = "X-Custom, [x-other]";
                return HttpMethods.IsOptions(c.Request.Method) ? Results.NoContent() : Results.Text("ok");
            });
            app.MapMethods("/any-header", ["OPTIONS", "GET"], (HttpContext c) =>
            {
                _received.Enqueue($"{c.Request.Method} expires={c.Request.Headers.Expires}");
                c.Response.Headers.AccessControlAllowOrigin = "*";
                c.Response.Headers.AccessControlAllowHeaders = "*";
                return HttpMethods.IsOptions(c.Request.Method) ? Results.NoContent() : Results.Text("ok");
            });
            app.MapMethods("/echo", ["OPTIONS", "POST"], async (HttpContext c) =>
            {
                using var reader = new StreamReader(c.Request.Body);
                _received.Enqueue($"{c.Request.Method} content-type={c.Request.ContentType} body={await reader.ReadToEndAsync()}");
                c.Response.Headers.AccessControlAllowOrigin = "*";
                c.Response.Headers.AccessControlAllowHeaders = "*";
                return HttpMethods.IsOptions(c.Request.Method) ? Results.NoContent() : Results.Text("ok");
            });
        });
        await Task.WhenAll(_corsKit.StartAsync(), _broken.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _corsKit.DisposeAsync();
        await _broken.DisposeAsync();
    }

    private static WebApplication Server(string environment, Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        services(builder.Services);
        var app = builder.Build();
        map(app);
        return app;
    }

    [Fact]
    public async Task A_JSON_PUT_from_the_allowed_origin_is_preflighted_and_readable()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", "PUT",
            "--header", "Content-Type: application/json", "--data", "{}", "--credentials");

        exitCode.Should().Be(0, output);
        output.Should().Contain("1. Preflight: needed because the method PUT is not CORS-safelisted and these request headers are not CORS-safelisted: content-type.")
            .And.Contain("Access-Control-Request-Headers: content-type")
            .And.Contain("PASS status 204 is ok (2xx)")
            .And.Contain("PASS method PUT is allowed by Access-Control-Allow-Methods (PUT)")
            .And.Contain("PASS request header content-type is allowed by Access-Control-Allow-Headers (Content-Type)")
            .And.Contain("Result: READABLE. The page can read the status (200), the body and the safelisted response headers, plus X-Request-Id.");
    }

    [Fact]
    public async Task A_loopback_target_from_a_public_page_is_noted_as_needing_Local_Network_Access_permission()
    {
        var (fromPublic, publicOutput) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App);
        var (fromLocal, localOutput) = await Cli.RunAsync("probe", $"{CorsKitUrl}/public", "--origin", "http://localhost:3000");

        fromPublic.Should().Be(0, publicOutput);
        publicOutput.Should().Contain("NOTE the target is a loopback or private address and the page is not: Chrome 142 and later ask the user for Local Network Access permission");
        fromLocal.Should().Be(0, localOutput);
        localOutput.Should().NotContain("Local Network Access", "a local page asking a local address needs no permission");
    }

    [Fact]
    public async Task A_simple_GET_needs_no_preflight()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App);

        exitCode.Should().Be(0, output);
        output.Should().Contain("1. Preflight: not needed").And.NotContain("-> OPTIONS");
    }

    [Fact]
    public async Task A_header_outside_the_policy_fails_the_preflight_so_the_request_is_never_sent()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", "PUT", "--header", "X-Trace: 1");

        exitCode.Should().Be(1);
        output.Should().Contain("FAIL status 403 is not ok").And.Contain("FAIL request header x-trace is not allowed")
            .And.Contain("server says (fix): Add \"x-trace\" to Cors:Policies:app:Headers.")
            .And.Contain("Result: BLOCKED. The preflight failed, so the browser does not send the request at all.")
            .And.NotContain("2. The request");
    }

    [Fact]
    public async Task A_disallowed_origin_cannot_read_a_GET()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", "https://evil.example");

        exitCode.Should().Be(1);
        output.Should().Contain("FAIL the response has no Access-Control-Allow-Origin header")
            .And.Contain("Result: BLOCKED. The server answered 200, but the browser hides the response from the page.");
    }

    [Fact]
    public async Task A_public_policy_is_readable_without_credentials_but_not_with_them()
    {
        var anonymous = await Cli.RunAsync("probe", $"{CorsKitUrl}/public", "--origin", "https://anyone.example");
        var credentialed = await Cli.RunAsync("probe", $"{CorsKitUrl}/public", "--origin", "https://anyone.example", "--credentials");

        anonymous.ExitCode.Should().Be(0, anonymous.Output);
        credentialed.ExitCode.Should().Be(1);
        credentialed.Output.Should().Contain("FAIL Access-Control-Allow-Origin is '*', which a browser never accepts for a request with credentials");
    }

    [Fact]
    public async Task A_broken_server_answering_star_with_credentials_fails_the_credentialed_check()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/star-with-credentials", "--origin", App, "--credentials");

        exitCode.Should().Be(1);
        output.Should().Contain("FAIL Access-Control-Allow-Origin is '*', which a browser never accepts for a request with credentials");
    }

    [Fact]
    public async Task A_broken_server_echoing_the_origin_without_Vary_is_readable_but_warned()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/no-vary", "--origin", App);

        exitCode.Should().Be(0, output);
        output.Should().Contain("WARN the answer depends on Origin but Vary does not say so");
    }

    [Fact]
    public async Task A_broken_server_whose_preflight_omits_Allow_Headers_fails_for_a_custom_header()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/no-allow-headers", "--origin", App, "--method", "PUT", "--header", "X-Custom: 1");

        exitCode.Should().Be(1);
        output.Should().Contain("PASS status 204 is ok").And.Contain("PASS method PUT is allowed")
            .And.Contain("FAIL request header x-custom is not allowed by Access-Control-Allow-Headers (absent)");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/x")]
    public async Task A_bad_URL_is_a_usage_error(string url)
    {
        var (exitCode, output) = await Cli.RunAsync("probe", url, "--origin", App);

        exitCode.Should().Be(2);
        output.Should().Contain("is not an absolute http(s) URL");
    }

    [Fact]
    public async Task An_unreachable_server_is_no_HTTP_answer_with_exit_code_6()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", "http://127.0.0.1:1/x", "--origin", App);

        exitCode.Should().Be(6);
        output.Should().Contain("error: http://127.0.0.1:1/x: no HTTP answer: ").And.NotContain("Result:");
    }

    [Fact]
    public async Task A_string_body_is_sent_as_text_plain_charset_UTF_8_as_fetch_sends_it_so_no_preflight_is_needed()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/echo", "--origin", App, "--method", "POST", "--data", "caf\u00e9");

        exitCode.Should().Be(0, output);
        output.Should().Contain("1. Preflight: not needed").And.Contain("Content-Type: text/plain;charset=UTF-8");
        _received.Should().Equal("POST content-type=text/plain;charset=UTF-8 body=caf\u00e9");
    }

    [Fact]
    public async Task A_Content_Type_the_page_sets_is_kept_instead_of_the_string_body_type()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/echo", "--origin", App, "--method", "POST",
            "--header", "content-type: application/json", "--data", "{}");

        exitCode.Should().Be(0, output);
        output.Should().Contain("Access-Control-Request-Headers: content-type").And.NotContain("text/plain");
        _received.Should().Equal("OPTIONS content-type= body=", "POST content-type=application/json body={}");
    }

    [Theory]
    [InlineData(null, "x", "GET")]
    [InlineData("GET", "x", "GET")]
    [InlineData("get", "", "GET")]
    [InlineData("HEAD", "x", "HEAD")]
    [InlineData("Head", "{}", "HEAD")]
    public async Task A_body_with_GET_or_HEAD_is_a_usage_error_as_fetch_throws_a_TypeError(string? method, string data, string normalized)
    {
        string[] methodArguments = method is null ? [] : ["--method", method];
        var (exitCode, output) = await Cli.RunAsync(["probe", $"{CorsKitUrl}/items/1", "--origin", App, .. methodArguments, "--data", data]);

        exitCode.Should().Be(2);
        output.Should().Be($"error: --data with --method {normalized}: fetch() throws a TypeError (a GET or HEAD request cannot have a body), so no page can send it.{Environment.NewLine}");
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_method_written_in_lowercase_is_normalized_as_fetch_does()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", "put");

        exitCode.Should().Be(0, output);
        output.Should().Contain("Probing PUT ").And.Contain("Access-Control-Request-Method: PUT").And.Contain("-> PUT ");
    }

    [Fact]
    public async Task PATCH_is_not_normalized_so_a_lowercase_patch_is_preflighted_as_written()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", "patch");

        exitCode.Should().Be(1);
        output.Should().Contain("Access-Control-Request-Method: patch").And.Contain("FAIL method patch is not allowed");
    }

    [Theory]
    [InlineData("Cookie: a=1", "use --cookie with --credentials")]
    [InlineData("Origin: https://app.example.com", "forbidden request header")]
    [InlineData("Host: example.com", "forbidden request header")]
    [InlineData("Sec-Fetch-Site: same-origin", "forbidden request header")]
    [InlineData("Proxy-Authorization: x", "forbidden request header")]
    [InlineData("access-control-request-method: PUT", "forbidden request header")]
    [InlineData("X-HTTP-Method-Override: trace", "forbidden request header")]
    [InlineData("Bad Name: 1", "is not 'Name: value'")]
    [InlineData("X-Name: caf\u00e9", "single-line ASCII value")]
    public async Task A_header_no_page_can_set_is_a_usage_error(string header, string message)
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--header", header);

        exitCode.Should().Be(2);
        output.Should().Contain(message).And.NotContain("Probing");
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_method_override_header_naming_an_ordinary_method_is_a_custom_header_to_preflight()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--header", "X-HTTP-Method-Override: PATCH");

        exitCode.Should().Be(1);
        output.Should().Contain("FAIL request header x-http-method-override is not allowed");
    }

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("trace")]
    [InlineData("TRACK")]
    [InlineData("GET ")]
    public async Task A_method_fetch_refuses_is_a_usage_error(string method)
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", method);

        exitCode.Should().Be(2);
        output.Should().Contain("--method");
        _received.Should().BeEmpty();
    }

    [Theory]
    [InlineData("https://App.example.com", "uppercase letters", "'https://app.example.com'")]
    [InlineData("https://app.example.com/", "a path, query or trailing slash", "'https://app.example.com'")]
    [InlineData("https://app.example.com:443", "the scheme's default port", "'https://app.example.com'")]
    [InlineData("app.example.com", "not of the form scheme://host[:port]", "e.g. https://app.example.com")]
    public async Task An_origin_no_browser_sends_is_a_usage_error_with_the_canonical_form(string origin, string problem, string suggestion)
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", origin);

        exitCode.Should().Be(2);
        output.Should().Contain($"--origin '{origin}' is not an origin as a browser sends it").And.Contain(problem).And.Contain(suggestion);
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task The_opaque_origin_null_can_be_probed_and_CorsKit_never_allows_it()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/public", "--origin", "null");

        exitCode.Should().Be(1);
        output.Should().Contain("Origin: null").And.Contain("FAIL the response has no Access-Control-Allow-Origin header");
    }

    [Fact]
    public async Task A_repeated_header_is_sent_once_with_its_values_combined_as_a_browser_does()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/any-header", "--origin", App,
            "--header", "Expires: 0", "--header", "expires: 1");

        exitCode.Should().Be(0, output);
        output.Should().Contain($"Access-Control-Request-Headers: expires{Environment.NewLine}");
        _received.Should().Equal("OPTIONS expires=", "GET expires=0, 1");
    }

    [Fact]
    public async Task A_cookie_is_sent_with_the_request_but_never_with_the_preflight()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{CorsKitUrl}/items/1", "--origin", App, "--method", "PUT",
            "--credentials", "--cookie", "session=abc", "--cookie", "theme=dark");

        exitCode.Should().Be(0, output);
        _received.Should().Equal("OPTIONS cookie=", "PUT cookie=session=abc; theme=dark");
    }

    [Theory]
    [InlineData(new[] { "--cookie", "session=abc" }, "--cookie needs --credentials")]
    [InlineData(new[] { "--credentials", "--cookie", "session" }, "is not 'name=value'")]
    [InlineData(new[] { "--credentials", "--cookie", "a=1; b=2" }, "is not 'name=value'")]
    public async Task A_bad_cookie_is_a_usage_error(string[] arguments, string message)
    {
        var (exitCode, output) = await Cli.RunAsync(["probe", $"{CorsKitUrl}/items/1", "--origin", App, .. arguments]);

        exitCode.Should().Be(2);
        output.Should().Contain(message);
        _received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_preflight_whose_Allow_Headers_is_not_a_list_of_names_fails_even_for_a_listed_header()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/allow-list-not-tokens", "--origin", App, "--method", "PUT", "--header", "X-Custom: 1");

        exitCode.Should().Be(1);
        output.Should().Contain("FAIL Access-Control-Allow-Headers is not a comma-separated list of header names")
            .And.Contain("FAIL request header x-custom is not allowed by Access-Control-Allow-Headers (absent)")
            .And.Contain("Result: BLOCKED. The preflight failed").And.NotContain("PASS request header");
    }

    [Fact]
    public async Task A_content_header_that_does_not_start_with_Content_is_sent_without_a_body()
    {
        var (exitCode, output) = await Cli.RunAsync("probe", $"{BrokenUrl}/any-header", "--origin", App, "--header", "Expires: 0");

        exitCode.Should().Be(0, output);
        output.Should().Contain("Access-Control-Request-Headers: expires").And.Contain("PASS request header expires is allowed");
        _received.Should().Equal("OPTIONS expires=", "GET expires=0");
    }
}
