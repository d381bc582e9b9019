using System.Net;
using static CorsKit.EcosystemTests.OpenIddict.IdentityProvider;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.EcosystemTests.OpenIddict;

/// <summary>
/// An app that registers authentication and never calls <c>app.UseAuthentication()</c>:
/// WebApplication then adds the authentication middleware itself, ahead of the app's own
/// middlewares, so ahead of CorsKit. OpenIddict's server answers its endpoints inside that
/// middleware (an <c>IAuthenticationRequestHandler</c>), before CorsKit has decided anything.
/// README, "Pipeline placement": a wrong assembly never starts silently, and the analogous
/// case of <c>UseAuthorization()</c> stops startup. It failed before PipelineCheck refused this
/// assembly: discovery went out without CORS headers and a disallowed origin's POST reached OpenIddict.
/// </summary>
public sealed class ImplicitAuthenticationOrderTests
{
    private const string Json = """
        { "Cors": { "DefaultPolicy": "spa", "Policies": {
            "spa": { "Origins": [ "https://spa.example" ] } } } }
        """;

    [Fact]
    public async Task Leaving_UseAuthentication_to_WebApplication_either_stops_startup_or_keeps_OpenIddicts_answers_under_CorsKit()
    {
        IdentityProvider idp;
        try
        {
            idp = await StartAsync(Json, allowCrossOriginFormPosts: false, callUseAuthentication: false);
        }
        catch (InvalidOperationException refused)
        {
            refused.Message.Should().Contain("UseAuthentication()");
            return;
        }

        await using var _ = idp;
        using var client = idp.CreateClient();
        var discovery = Request(HttpMethod.Get, ".well-known/openid-configuration", ("Origin", Spa));
        var forgedRedemption = Request(HttpMethod.Post, "connect/token", ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"))
            .WithBody("grant_type=authorization_code&code=stolen&client_id=spa&redirect_uri=https%3A%2F%2Fspa.example%2Fcallback&code_verifier=0123456789012345678901234567890123456789012",
                "application/x-www-form-urlencoded");

        var discovered = await client.SendAsync(discovery);
        var redeemed = await client.SendAsync(forgedRedemption);

        // Before the fix: 200 without Access-Control-Allow-Origin or Vary (the SPA could not read
        // the discovery document), and OpenIddict processed the disallowed origin's POST (400
        // invalid_grant) before the CSRF guard saw it.
        AccessControlHeaders(discovered).Should().BeEquivalentTo(new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = Spa },
            "the default policy grants the SPA's origin, whatever answers the request");
        VaryTokens(discovered).Should().Equal("Origin");
        redeemed.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a cross-origin POST from an origin no policy allows is blocked before anything runs");
        idp.OpenIddictEndpointsMatched.Should().Equal(["The request URI matched a server endpoint: Configuration."]);
    }
}
