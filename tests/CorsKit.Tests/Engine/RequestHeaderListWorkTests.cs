using CorsKit.Engine;
using CorsKit.Policies;
using CorsKit.Testing;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Tests.Engine;

/// <summary>
/// An Access-Control-Request-Headers value with thousands of names, or tens of kilobytes, costs
/// work linear in its size: measured by counting the comparer calls and the characters they
/// touch (through a counting comparer), and the bytes allocated — never by timing.
/// </summary>
public class RequestHeaderListWorkTests
{
    /// <summary>Enough names for the frozen set to hash rather than scan a short list.</summary>
    private static readonly string[] ManyNames = ["X-Allowed-Header", .. Enumerable.Range(0, 30).Select(i => $"X-Other-{i}")];

    [Theory]
    [InlineData(10)]
    [InlineData(1_000)]
    [InlineData(10_000)]
    public void Each_requested_name_costs_a_bounded_number_of_comparer_calls_over_its_own_characters(int count)
    {
        var comparer = new CountingComparer();
        var allowed = new NameSet(ManyNames, containsWildcard: false, comparer);
        var value = string.Join(", ", Enumerable.Repeat("x-allowed-header", count));

        RequestHeaderList.AreAllowed(allowed, value, out _).Should().BeTrue();

        // One hash lookup per name: a hash, then an equality check against the entry found.
        comparer.Calls.Should().BeInRange(count, 2 * count);
        comparer.CharactersTouched.Should().BeLessThanOrEqualTo(2L * count * "x-allowed-header".Length);
    }

    [Fact]
    public void A_refused_name_at_the_end_of_a_long_list_costs_no_more_than_one_lookup_per_name()
    {
        var comparer = new CountingComparer();
        var allowed = new NameSet([.. ManyNames, "X-A"], containsWildcard: false, comparer);
        var value = string.Join(',', Enumerable.Repeat("x-a", 5_000)) + ",x-refused";

        RequestHeaderList.AreAllowed(allowed, value, out var refused).Should().BeFalse();

        refused.ToString().Should().Be("x-refused");
        comparer.Calls.Should().BeInRange(5_001, 2 * 5_001);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sixty_kilobytes_of_requested_headers_are_judged_without_allocating(bool allValid)
    {
        var allowed = new NameSet(["X-Allowed-Header"], containsWildcard: true, StringComparer.OrdinalIgnoreCase);
        var value = new StringValues(string.Join(",", Enumerable.Repeat(allValid ? "x-allowed-header" : "x-other-header", 4_200)) + ",authorization");
        value.ToString().Length.Should().BeGreaterThan(60_000);
        var result = true;

        var allocated = Allocations.PerCall(1, () => result = RequestHeaderList.AreAllowed(allowed, value, out _));

        result.Should().BeFalse("authorization is never covered by '*'");
        allocated.Should().Be(0);
    }

    /// <summary>Case-insensitive ordinal comparison that counts the span calls and the characters they touch.</summary>
    private sealed class CountingComparer : StringComparer, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public int Calls { get; private set; }

        public long CharactersTouched { get; private set; }

        public override int Compare(string? x, string? y) => OrdinalIgnoreCase.Compare(x, y);

        public override bool Equals(string? x, string? y) => OrdinalIgnoreCase.Equals(x, y);

        public override int GetHashCode(string obj) => OrdinalIgnoreCase.GetHashCode(obj);

        public bool Equals(ReadOnlySpan<char> alternate, string other)
        {
            Calls++;
            CharactersTouched += alternate.Length;
            return alternate.Equals(other, StringComparison.OrdinalIgnoreCase);
        }

        public int GetHashCode(ReadOnlySpan<char> alternate)
        {
            Calls++;
            CharactersTouched += alternate.Length;
            return string.GetHashCode(alternate, StringComparison.OrdinalIgnoreCase);
        }

        public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();
    }
}
