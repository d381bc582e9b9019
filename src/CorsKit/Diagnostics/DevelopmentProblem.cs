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
/// would allow it, also as configuration changes a tool can apply. Other environments get no body:
/// production answers reveal nothing.
/// </summary>
internal static class DevelopmentProblem
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpResponse response, CompiledPolicy policy, in CorsDecision decision, StringValues origin, string method, DenialSetting setting)
    {
        var facts = DenialFacts.Of(policy, decision, origin, method, setting);
        var reason = CorsReasonDescriptor.For(decision.Reason);
        var check = reason.Tag;
        var blocked = facts.Blocked;
        var explanation = reason.Explain(facts);
        if (blocked)
        {
            explanation = $"The {facts.Method} request was blocked before the endpoint ran: CorsKit refuses unsafe cross-origin requests that the policy does not allow. " + explanation;
        }

        var fix = reason.Fix(facts);

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
            json.WriteString("fix", fix.Text);
            WriteChanges(json, fix.Changes);
            json.WriteString("note", "This explanation is sent in the Development environment only.");
            json.WriteEndObject();
        }

        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory).AsTask();
    }

    /// <summary><c>changes</c>: the fix as configuration changes, absent when it is not one.</summary>
    private static void WriteChanges(Utf8JsonWriter json, IReadOnlyList<ConfigurationChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        json.WriteStartArray("changes");
        foreach (var change in changes)
        {
            json.WriteStartObject();
            json.WriteString("key", change.Key);
            json.WriteString("op", change.Op);
            if (change.Value is bool flag)
            {
                json.WriteBoolean("value", flag);
            }
            else
            {
                json.WriteString("value", (string)change.Value);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
