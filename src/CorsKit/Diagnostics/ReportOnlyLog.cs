using CorsKit.Engine;
using CorsKit.Policies;
using Microsoft.Extensions.Logging;

namespace CorsKit.Diagnostics;

/// <summary>
/// The reports of report-only mode: each request CorsKit would deny or block, logged at
/// Information with the reason and the refused method or header, so that the allow-lists can be
/// written from them. A flood cannot fill the logs: at most <see cref="PerWindow"/> reports per
/// reason (and per deny or block) each minute; how many were left out is logged when the next
/// minute's first report comes. Beyond the limit nothing is allocated.
/// </summary>
internal sealed partial class ReportOnlyLog(ILogger logger, TimeProvider time)
{
    public const int PerWindow = 10;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Slot[] _slots = new Slot[Enum.GetValues<CorsReason>().Length * 2];

    public void WouldDeny<TRequest>(CompiledPolicy policy, in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (Admit(decision.Reason, blocked: false))
        {
            var facts = DenialFacts.Of(policy, decision, request.Origin, CorsKitLog.MethodOf(decision, ref request));
            WouldDenyCore(logger, facts.Kind, facts.Method, facts.Origin, facts.Policy, decision.Reason.Tag(), facts.Detail.Length > 0 ? $" '{facts.Detail}'" : string.Empty);
        }
    }

    public void WouldBlock<TRequest>(CompiledPolicy policy, in CorsDecision decision, ref TRequest request)
        where TRequest : struct, IRequestFacts
    {
        if (Admit(decision.Reason, blocked: true))
        {
            var facts = DenialFacts.Of(policy, decision, request.Origin, request.Method);
            WouldBlockCore(logger, facts.Method, facts.Origin, facts.Policy, decision.Reason.Tag());
        }
    }

    private bool Admit(CorsReason reason, bool blocked)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return false;
        }

        ref var slot = ref _slots[((int)reason * 2) + (blocked ? 1 : 0)];
        var now = time.GetTimestamp();
        var start = Volatile.Read(ref slot.WindowStart);
        if ((start == 0 || time.GetElapsedTime(start, now) >= Window) && Interlocked.CompareExchange(ref slot.WindowStart, now, start) == start)
        {
            var left = Interlocked.Exchange(ref slot.LeftOut, 0);
            Interlocked.Exchange(ref slot.Count, 0);
            if (left > 0)
            {
                ReportsLeftOut(logger, left, blocked ? "block" : "deny", reason.Tag());
            }
        }

        if (Interlocked.Increment(ref slot.Count) <= PerWindow)
        {
            return true;
        }

        Interlocked.Increment(ref slot.LeftOut);
        return false;
    }

    [LoggerMessage(EventId = CorsKitEventIds.ReportOnlyWouldDeny, EventName = nameof(CorsKitEventIds.ReportOnlyWouldDeny), Level = LogLevel.Information,
        Message = "Report-only: CorsKit would deny this {Kind} ({Method} from origin '{Origin}') under policy '{Policy}': {Reason}{Refused}. Nothing was changed.")]
    private static partial void WouldDenyCore(ILogger logger, string kind, string method, string origin, string policy, string reason, string refused);

    [LoggerMessage(EventId = CorsKitEventIds.ReportOnlyWouldBlock, EventName = nameof(CorsKitEventIds.ReportOnlyWouldBlock), Level = LogLevel.Information,
        Message = "Report-only: CorsKit's guard would block this {Method} from origin '{Origin}' under policy '{Policy}' before the endpoint ({Reason}). It ran.")]
    private static partial void WouldBlockCore(ILogger logger, string method, string origin, string policy, string reason);

    [LoggerMessage(EventId = CorsKitEventIds.ReportOnlyReportsLeftOut, EventName = nameof(CorsKitEventIds.ReportOnlyReportsLeftOut), Level = LogLevel.Information,
        Message = "Report-only: {Count} more would-{Action} reports for {Reason} were left out in the last minute (at most 10 a minute per reason are logged); the corskit.requests counter has them all.")]
    private static partial void ReportsLeftOut(ILogger logger, int count, string action, string reason);

    private struct Slot
    {
        public long WindowStart;
        public int Count;
        public int LeftOut;
    }
}
