using CorsKit.Engine;
using CorsKit.Policies;
using CorsKit.Testing;
using CsCheck;

namespace CorsKit.Tests.Properties;

/// <summary>
/// The engine's whole decision on generated requests (not preflights), checked against the
/// reference model's restatement of the CSRF guard: method overrides, bodies, handshakes, Fetch
/// Metadata, cookies, same-origin requests and form-post exemptions, under policies with and
/// without credentials and with the guard on or off. A failure prints the (shrunk) request.
/// </summary>
public class DecisionPropertyTests
{
    private const long Iterations = 20_000;
    private const string Trusted = "https://trusted.example.net";

    private static readonly Gen<string> Method = Gen.OneOf("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "get", "post", "PROPFIND");
    private static readonly Gen<string?> Origin = Gen.OneOf<string?>(null, Trusted, "https://evil.example", "https://api.example.com", "https://api.example.com:443", "null", "https://API.example.com");
    private static readonly Gen<string?> Site = Gen.OneOf<string?>(null, "same-origin", "none", "same-site", "cross-site", "garbage");
    private static readonly Gen<string?> ContentType = Gen.OneOf<string?>(null, "text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "Multipart/Form-Data");
    private static readonly Gen<string[]?> EndpointMethods = Gen.OneOf<string[]?>(null, [], ["GET"], ["POST"], ["GET", "POST"], ["PUT"], ["get", "head"]);
    private static readonly Gen<string> FormPosts = Gen.OneOf("none", "endpoint", "callback");

    private static readonly Gen<Request> Requests = Gen.Select(Method, Origin, Site, ContentType, Gen.Bool, Gen.Bool, EndpointMethods, FormPosts)
        .Select((method, origin, site, contentType, cookies, upgrade, endpointMethods, formPosts) =>
            new Request(method, origin, site, contentType, cookies, upgrade, endpointMethods, formPosts));

    [Fact]
    public void The_guards_decision_agrees_with_the_reference_model() =>
        Gen.Select(Requests, Gen.Bool, Gen.OneOf(CrossOriginGuardMode.Enforce, CrossOriginGuardMode.ReportOnly, CrossOriginGuardMode.Off)).Sample((request, credentials, guard) =>
        {
            var policy = Policy(credentials, guard);
            var facts = request.Facts;

            var decision = CorsEngine.Decide(policy, ref facts);

            var originAllowed = request.Origin == Trusted;
            var (blocked, callbackOnly) = ReferenceModel.Guard(
                guard != CrossOriginGuardMode.Off, originAllowed, credentials, request.Method, request.Origin, request.Site, request.ContentType,
                request.Cookies, request.Upgrade, request.EndpointMethods, request.FormPosts, "https", "api.example.com");
            (decision.Result == CorsResult.Blocked).Should().Be(blocked, "{0}", request);
            decision.Enforced.Should().Be(decision.Result == CorsResult.Blocked ? guard == CrossOriginGuardMode.Enforce : true, "{0}", request);
            decision.RunsOnlyAsCallback.Should().Be(callbackOnly && guard == CrossOriginGuardMode.Enforce, "{0}", request);
            decision.OriginAllowed.Should().Be(originAllowed, "{0}", request);
        }, iter: Iterations);

    [Fact]
    public void Vary_Origin_is_on_every_applied_answer_that_depends_on_the_origin() =>
        Gen.Select(Requests, Gen.Bool).Sample((request, credentials) =>
        {
            var facts = request.Facts;
            var decision = CorsEngine.Decide(Policy(credentials, CrossOriginGuardMode.Enforce), ref facts);

            // The policy allows an origin: every answer under it depends on the origin.
            decision.Vary.Should().Be(VaryTokens.Origin, "{0}", request);
        }, iter: Iterations);

    private static CompiledPolicy Policy(bool credentials, CrossOriginGuardMode guard)
    {
        var options = new StrictCorsOptions { CrossOriginGuard = guard };
        options.AddDefaultPolicy("p", p =>
        {
            p.WithOrigins(Trusted);
            if (credentials)
            {
                p.AllowCredentials();
            }
        });
        return TestPolicies.Validate(options).Policies!.Default;
    }

    private sealed record Request(
        string Method, string? Origin, string? Site, string? ContentType, bool Cookies, bool Upgrade, string[]? EndpointMethods, string FormPosts)
    {
        public RequestFacts Facts => new(
            Method, ContentType is not null, EndpointMethods, Origin is null ? default : Origin, Site is null ? default : Site, "https", "api.example.com",
            ContentType is null ? default : ContentType, Cookies, Upgrade,
            FormPosts switch { "endpoint" => FormPostExemption.Endpoint, "callback" => FormPostExemption.CallbackPath, _ => FormPostExemption.None });

        public override string ToString() =>
            $"{Method} Origin={Origin ?? "-"} Sec-Fetch-Site={Site ?? "-"} Content-Type={ContentType ?? "-"} cookies={Cookies} upgrade={Upgrade} "
            + $"endpoint methods={(EndpointMethods is null ? "-" : string.Join(",", EndpointMethods))} form posts={FormPosts}";
    }
}
