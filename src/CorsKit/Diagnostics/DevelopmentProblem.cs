using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Diagnostics;

/// <summary>
/// In the Development environment only, explains a denied preflight or a blocked request in the
/// response itself, as RFC 9457 problem details: which check failed, and the configuration that
/// would allow it. Other environments get no body: production answers reveal nothing.
/// </summary>
internal static class DevelopmentProblem
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpResponse response, CompiledPolicy policy, in CorsDecision decision, StringValues origin, string method, string rootPath)
    {
        var shownOrigin = LogValue.Sanitize(origin.Count > 0 ? origin[0] : string.Empty);
        var detail = LogValue.Sanitize(decision.Detail.Span);
        var policyPath = $"{rootPath}:Policies:{policy.Name}";
        var noPolicy = ReferenceEquals(policy, CompiledPolicy.DenyAll);
        var blocked = decision.Result == CorsResult.Blocked;
        var check = decision.Reason.Tag();

        var explanation = decision.Reason switch
        {
            CorsReason.OriginMultiple => $"The request carries {origin.Count} Origin headers; browsers send exactly one.",
            CorsReason.OriginMalformed => $"The Origin header '{shownOrigin}' is not a browser-canonical origin: no browser sent this request.",
            CorsReason.OriginNull => "The origin is 'null' (a sandboxed iframe, a file: page or a redirect), which CorsKit never allows.",
            CorsReason.MethodNotAllowed => $"The preflight asks for the method '{detail}', which policy '{policy.Name}' does not allow.",
            CorsReason.HeaderNotAllowed => $"The preflight asks for the request header '{detail}', which policy '{policy.Name}' does not allow.",
            CorsReason.PrivateNetworkNotAllowed => $"The preflight asks for private network access, which policy '{policy.Name}' does not allow.",
            CorsReason.CredentialsNotAllowed when policy.Origins.AllowsAnyOrigin => $"The request carries cookies, but policy '{policy.Name}' allows any origin ('*') and so never grants credentials.",
            CorsReason.CredentialsNotAllowed => $"The request carries cookies, but policy '{policy.Name}' does not allow credentials, so '{shownOrigin}' may not act with the user's.",
            CorsReason.OriginMissing => "The request carries no Origin header, but its Fetch Metadata (Sec-Fetch-Site) says a browser sent it from another site.",
            _ when noPolicy => $"No policy applies to this endpoint, so no origin is allowed; '{shownOrigin}' is not.",
            _ => $"Policy '{policy.Name}' does not allow the origin '{shownOrigin}'.",
        };
        if (blocked)
        {
            explanation = $"The {LogValue.Sanitize(method)} request was blocked before the endpoint ran: CorsKit refuses unsafe requests from origins the policy does not allow. " + explanation;
        }

        var fix = decision.Reason switch
        {
            CorsReason.OriginMultiple or CorsReason.OriginMalformed => "Nothing to configure: fix the client that sends this header.",
            CorsReason.OriginNull => "Serve the page from a real origin (https://...) and allow that origin.",
            CorsReason.MethodNotAllowed => $"Add \"{detail}\" to {policyPath}:Methods.",
            CorsReason.HeaderNotAllowed => $"Add \"{detail}\" to {policyPath}:Headers.",
            CorsReason.PrivateNetworkNotAllowed => $"Set {policyPath}:AllowPrivateNetwork to true.",
            CorsReason.CredentialsNotAllowed when policy.Origins.AllowsAnyOrigin => $"List \"{shownOrigin}\" explicitly in a policy with AllowCredentials: true instead of '*', or send the request without cookies.",
            CorsReason.CredentialsNotAllowed => $"Set {policyPath}:AllowCredentials to true if \"{shownOrigin}\" may act with the user's credentials, or send the request without cookies.",
            CorsReason.OriginMissing => "Send the request from a page of an allowed origin (browsers then send Origin), or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts().",
            _ when noPolicy => $"Set {rootPath}:DefaultPolicy, or name a policy on the endpoint with .RequireStrictCors(\"<name>\") or [StrictCors(\"<name>\")].",
            _ when blocked => $"Add \"{shownOrigin}\" to {policyPath}:Origins, or, for cross-site form posts that must not get read access, mark the endpoint with .AllowCrossOriginFormPosts().",
            _ => $"Add \"{shownOrigin}\" to {policyPath}:Origins.",
        };

        var body = new ArrayBufferWriter<byte>(512);
        // Relaxed escaping keeps quotes readable; every request value in the text is already
        // reduced to printable ASCII by LogValue, and the media type is not HTML.
        using (var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", $"urn:corskit:problem:{check.Replace('_', '-')}");
            json.WriteString("title", blocked ? "Cross-origin request blocked by CorsKit" : "CORS preflight denied by CorsKit");
            json.WriteNumber("status", StatusCodes.Status403Forbidden);
            json.WriteString("detail", explanation);
            json.WriteString("policy", policy.Name);
            json.WriteString("check", check);
            json.WriteString("fix", fix);
            json.WriteString("note", "This explanation is sent in the Development environment only.");
            json.WriteEndObject();
        }

        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory).AsTask();
    }
}
