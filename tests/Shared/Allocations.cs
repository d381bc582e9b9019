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

    /// <summary>
    /// Runs <paramref name="action"/> <see cref="WarmUpCalls"/> times to warm it up, then
    /// <paramref name="count"/> times more, and returns the bytes those last calls allocated on
    /// this thread, divided by <paramref name="count"/>. It is 0 exactly when none of them
    /// allocated. The delegate is created by the caller before the measurement, so it costs
    /// nothing here.
    /// </summary>
    public static double PerCall(int count, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < WarmUpCalls; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
    }
}
