namespace CorsKit.Testing;

/// <summary>
/// Measures what a piece of code allocates on the current thread, never how long it takes: the
/// code is warmed up first, then run a counted number of times between two readings of
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public static class Allocations
{
    /// <summary>
    /// How many times <see cref="PerCall"/> runs the code before measuring: enough for the JIT,
    /// static caches and lazily created collections to have done their one-time work.
    /// </summary>
    public const int WarmUpCalls = 100;

    /// <summary>How many measured windows <see cref="PerCall"/> takes; it reports the smallest.</summary>
    public const int Windows = 3;

    /// <summary>
    /// Runs <paramref name="action"/> <see cref="WarmUpCalls"/> times to warm it up, then
    /// <see cref="Windows"/> times <paramref name="count"/> times more, and returns the fewest bytes
    /// one window's calls allocated on this thread, divided by <paramref name="count"/>. It is 0
    /// exactly when none of the calls of some window allocated. Code that allocates per call (or
    /// every few calls) allocates in every window; the runtime's own one-off work on this thread
    /// (a method's tier-up to optimized code lands after the warm-up, at a moment of its choosing)
    /// falls in one window, not in all three. The delegate is created by the caller before the
    /// measurement, so it costs nothing here.
    /// </summary>
    public static double PerCall(int count, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < WarmUpCalls; i++)
        {
            action();
        }

        var fewest = long.MaxValue;
        for (var window = 0; window < Windows && fewest > 0; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < count; i++)
            {
                action();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest / (double)count;
    }
}
