using CorsKit.Diagnostics;
using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CorsKit.Tests.Diagnostics;

/// <summary>Every denial reason is described once, with all four parts: tag, log event, explanation, fix.</summary>
public class CorsReasonDescriptorTests
{
    /// <summary>Reasons that never deny a request but only block one: logged as CrossOriginRequestBlocked (2009).</summary>
    private static readonly CorsReason[] BlockOnly = [CorsReason.CredentialsNotAllowed, CorsReason.OriginMissing];

    private static readonly CorsReason[] AllReasons = Enum.GetValues<CorsReason>().Where(r => r != CorsReason.None).ToArray();

    public static TheoryData<string> Reasons => new(AllReasons.Select(r => r.ToString()));

    [Theory]
    [MemberData(nameof(Reasons))]
    public void Every_reason_has_a_tag_a_log_event_an_explanation_and_a_fix(string name)
    {
        var reason = Enum.Parse<CorsReason>(name);
        var descriptor = CorsReasonDescriptor.For(reason);
        var facts = DenialFacts.Of(TestPolicies.Web(), new CorsDecision(CorsRequestKind.Actual, CorsResult.Denied, reason, "X-Thing".AsMemory()), "https://evil.example", "POST", new DenialSetting("Cors", new CompiledPolicySet([], null, CrossOriginGuardMode.Enforce), null));

        descriptor.Tag.Should().MatchRegex("^[a-z_]+$").And.NotBe("unknown");
        descriptor.Explain(facts).Should().NotBeNullOrWhiteSpace();
        descriptor.Fix(facts).Text.Should().NotBeNullOrWhiteSpace().And.NotBe(descriptor.Explain(facts));
        LogEventOf(reason).Should().BeInRange(CorsKitEventIds.OriginNotAllowed, CorsKitEventIds.OriginStoreUnavailable).And.NotBe(CorsKitEventIds.CallbackNotConsumed);
    }

    [Fact]
    public void Denial_events_are_distinct_and_only_block_reasons_share_the_blocked_event()
    {
        var denialEvents = AllReasons.Except(BlockOnly).Select(LogEventOf).ToList();

        denialEvents.Should().OnlyHaveUniqueItems().And.NotContain(CorsKitEventIds.CrossOriginRequestBlocked);
        BlockOnly.Select(LogEventOf).Should().AllBeEquivalentTo(CorsKitEventIds.CrossOriginRequestBlocked);
        AllReasons.Select(r => CorsReasonDescriptor.For(r).Tag).Should().OnlyHaveUniqueItems();
    }

    /// <summary>The EventId a request refused for <paramref name="reason"/> is logged under, read off a real logger.</summary>
    private static int LogEventOf(CorsReason reason)
    {
        var collector = new FakeLogCollector();
        var logger = new FakeLogger(collector);
        var decision = new CorsDecision(CorsRequestKind.Actual, CorsResult.Denied, reason, "X-Thing".AsMemory());
        var request = new RequestFacts("PUT", hasBody: false, endpointMethods: null, "https://evil.example", default, "https", "api.example.com", default, hasCookies: false);
        if (Array.IndexOf(BlockOnly, reason) >= 0)
        {
            CorsReasonDescriptor.For(reason).LogDenial.Should().BeNull("{0} never denies, it only blocks", reason);
            CorsKitLog.Blocked(logger, TestPolicies.Web(), decision.AsBlocked(), ref request);
            collector.LatestRecord.Message.Should().EndWith($"({reason.Tag()}).");
        }
        else
        {
            CorsKitLog.Denied(logger, TestPolicies.Web(), decision, ref request);
        }

        collector.Count.Should().Be(1);
        collector.LatestRecord.Level.Should().Be(LogLevel.Debug);
        return collector.LatestRecord.Id.Id;
    }
}
