using CorsKit.Engine;
using CorsKit.Origins;
using CorsKit.Policies;
using CorsKit.Testing;
using CsCheck;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Properties;

/// <summary>
/// Properties of origin parsing and matching over generated input, checked against the slow
/// reference model in tests/Shared/ReferenceModel.cs. A failure prints the (shrunk) input.
/// </summary>
public class OriginPropertyTests
{
    private const long Iterations = 20_000;

    [Fact]
    public void Parsing_and_matching_never_throw_on_any_text() =>
        Gen.Frequency((1, Generators.AnyText), (3, Generators.HostileOrigin)).Sample(text =>
        {
            _ = OriginParser.TryParse(text, out _);
            OriginMatcher.None.Match(text);
            new OriginMatcher(["https://example.com"], [Parse("https://*.example.com")], allowsAnyOrigin: false).Match(text);
            new OriginMatcher([], [], allowsAnyOrigin: true).Match(new StringValues([text, text]));
        }, iter: Iterations);

    [Fact]
    public void Canonical_origins_parse_and_their_parts_reassemble_to_the_same_text() =>
        Generators.CanonicalOrigin.Sample(origin =>
        {
            OriginParser.TryParse(origin, out var parts).Should().BeTrue(origin);
            var port = parts.Port < 0 ? string.Empty : $":{parts.Port}";
            $"{parts.Scheme(origin)}://{parts.Host(origin)}{port}".Should().Be(origin);
            ReferenceModel.IsCanonicalOrigin(origin).Should().BeTrue("the reference agrees that {0} is canonical", origin);
        }, iter: Iterations);

    [Fact]
    public void The_parser_accepts_exactly_what_the_reference_model_calls_canonical()
    {
        var outcomes = new int[2];
        Generators.HostileOrigin.Sample(text =>
        {
            var canonical = OriginParser.TryParse(text, out _);
            canonical.Should().Be(ReferenceModel.IsCanonicalOrigin(text), "for {0}", Escape(text));
            Interlocked.Increment(ref outcomes[canonical ? 1 : 0]);
        }, iter: Iterations);

        outcomes.Should().OnlyContain(count => count > Iterations / 20, "the generator must produce both canonical and non-canonical text");
    }

    [Fact]
    public void Matching_agrees_with_the_reference_model_and_allowed_means_listed_or_matched_by_a_pattern()
    {
        var policies = Gen.Select(Generators.CanonicalOrigin.Array[0, 5], Generators.Pattern.Array[0, 3], Gen.Bool);
        var candidates = Gen.Select(policies, Gen.Int, Gen.Int[0, 3]).Select((policy, seed, kind) =>
        {
            var (exact, patterns, _) = policy;
            var random = new Random(seed);
            var candidate = kind switch
            {
                0 when exact.Length > 0 => exact[random.Next(exact.Length)],
                1 when patterns.Length > 0 => Subdomain(patterns[random.Next(patterns.Length)], random),
                _ => HostileInputs.Origins[random.Next(HostileInputs.Origins.Length)],
            };
            return (policy, candidate: random.Next(3) == 0 ? candidate : HostileInputs.Mutate(candidate, random));
        });

        var outcomes = new int[2];
        candidates.Sample(sample =>
        {
            var ((exact, patterns, anyOrigin), candidate) = sample;
            var compiled = patterns.Select(p => Parse($"{p.Scheme}://*.{p.Domain}{(p.Port < 0 ? "" : $":{p.Port}")}")).ToArray();
            var matcher = new OriginMatcher(exact, compiled, anyOrigin, maxOriginLength: 300);

            var allowed = matcher.Match(candidate) == OriginVerdict.Allowed;

            allowed.Should().Be(ReferenceModel.Allows(exact, patterns, anyOrigin, 300, candidate), "for {0}", Escape(candidate));
            Interlocked.Increment(ref outcomes[allowed ? 1 : 0]);
            if (allowed && !anyOrigin)
            {
                (exact.Contains(candidate) || patterns.Any(p => ReferenceModel.PatternMatches(p.Scheme, p.Domain, p.Port, candidate)))
                    .Should().BeTrue("an allowed origin must be listed or match a pattern: {0}", candidate);
            }
        }, iter: Iterations);

        outcomes.Should().OnlyContain(count => count > Iterations / 20, "the generator must produce both allowed and denied origins");
    }

    [Fact]
    public void Requested_headers_are_judged_as_the_reference_model_judges_them()
    {
        var pool = new[] { "Content-Type", "Authorization", "X-Requested-With", "X-Custom" };
        var listedNames = Gen.Shuffle(pool, 0, pool.Length);
        Gen.Select(Generators.HeaderList.Array[1, 3], listedNames, Gen.Bool).Sample(sample =>
        {
            var (values, listed, wildcard) = sample;
            var names = new NameSet(listed, wildcard, StringComparer.OrdinalIgnoreCase);

            var allowed = RequestHeaderList.AreAllowed(names, new StringValues(values), out var refused);

            allowed.Should().Be(ReferenceModel.RequestHeadersAllowed(values, listed, wildcard), "for [{0}]", string.Join(" | ", values.Select(Escape)));
            if (!allowed)
            {
                values.Any(v => v.Contains(refused.ToString(), StringComparison.Ordinal)).Should().BeTrue("the refused name comes from the request");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Requested_methods_are_judged_as_the_reference_model_judges_them()
    {
        var listed = new[] { "PUT", "DELETE", "patch" };
        var methods = Gen.Frequency((2, Gen.OneOf(HostileInputs.Methods)), (1, Gen.Char["ACDEGHILNOPRSTUacdeghtu -\r"].Array[0, 9].Select(c => new string(c))));
        Gen.Select(methods, Gen.Bool).Sample(sample =>
        {
            var (method, wildcard) = sample;
            var policy = new CompiledPolicy(
                "p", new OriginMatcher(["https://a.example"], [], false), new NameSet(listed, wildcard, StringComparer.Ordinal),
                NameSet.Empty, [], allowCredentials: false, maxAgeSeconds: null, allowPrivateNetwork: false, allowInsecureOrigins: false);

            var decision = CorsEngine.EvaluatePreflight(policy, new PreflightRequest("https://a.example", method, default, default));

            decision.IsAllowed.Should().Be(ReferenceModel.MethodAllowed(method, listed, wildcard), "for {0}", Escape(method));
        }, iter: Iterations);
    }

    private static OriginPattern Parse(string pattern) =>
        OriginPattern.TryParse(pattern, out var parsed) ? parsed! : throw new InvalidOperationException($"not a pattern: {pattern}");

    private static string Subdomain((string Scheme, string Domain, int Port) pattern, Random random)
    {
        var labels = string.Join('.', Enumerable.Range(0, random.Next(1, 3)).Select(_ => "l" + random.Next(1000)));
        return $"{pattern.Scheme}://{labels}.{pattern.Domain}{(pattern.Port < 0 ? "" : $":{pattern.Port}")}";
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}"));
}
