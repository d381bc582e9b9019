using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// A set of Vary tokens, with the header value for the common case where the response has no
/// Vary yet precomputed, so that adding it allocates nothing.
/// </summary>
internal sealed class VaryHeader
{
    private readonly string[] _tokens;
    private readonly string _joined;
    private readonly StringValues _value;

    public VaryHeader(params string[] tokens)
    {
        _tokens = tokens;
        _joined = string.Join(", ", tokens);
        _value = _joined;
    }

    /// <summary>Vary for every response under a policy: the answer depends on the request's Origin.</summary>
    public static VaryHeader Origin { get; } = new("Origin");

    /// <summary>Vary for preflight answers, which also depend on what the preflight asks for.</summary>
    public static VaryHeader Preflight { get; } = new(
        "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Access-Control-Request-Private-Network");

    /// <summary>These tokens and <paramref name="token"/> (an origin store's key header: the answer depends on it too).</summary>
    public VaryHeader With(string token) => new([.. _tokens, token]);

    /// <summary>
    /// Adds the tokens the response's Vary lacks, keeping whatever is there: never a duplicate,
    /// nothing added after <c>*</c>, tokens compared case-insensitively. A token of this set that
    /// is there twice (the endpoint or a proxied backend appended its own <c>Vary: Origin</c> to the
    /// one written before it ran) is kept once.
    /// </summary>
    public void AddTo(IHeaderDictionary headers)
    {
        // Before the endpoint the response usually has no header at all: one write, no lookup.
        var existing = headers.Count == 0 ? default : headers.Vary;
        if (existing.Count == 0)
        {
            headers.Vary = _value;
            return;
        }

        if (existing.Count == 1 && ReferenceEquals(existing[0], _joined))
        {
            // Still the value written before the endpoint (the response-start check of an allowed request).
            return;
        }

        List<string>? missing = null;
        var repeated = false;
        foreach (var token in _tokens)
        {
            if (!Contains(existing, token))
            {
                (missing ??= []).Add(token);
            }
            else
            {
                repeated |= Occurrences(existing, token) > 1;
            }
        }

        if (missing is not null || repeated)
        {
            var kept = repeated ? OnceEach(existing) : existing.Where(v => !string.IsNullOrEmpty(v));
            headers.Vary = string.Join(", ", kept.Concat(missing ?? []));
        }
    }

    /// <summary>The tokens of <paramref name="vary"/> in order, each of this set's tokens only the first time.</summary>
    private IEnumerable<string> OnceEach(StringValues vary)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in vary)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!_tokens.Contains(part, StringComparer.OrdinalIgnoreCase) || seen.Add(part))
                {
                    yield return part;
                }
            }
        }
    }

    private static int Occurrences(StringValues vary, string token)
    {
        var count = 0;
        foreach (var value in vary)
        {
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                if (text[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static bool Contains(StringValues vary, string token)
    {
        foreach (var value in vary)
        {
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                var item = text[range].Trim();
                if (item is "*" || item.Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
