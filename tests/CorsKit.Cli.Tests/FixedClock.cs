namespace CorsKit.Cli.Tests;

/// <summary>A clock that always reads the same instant: noon UTC on the given day.</summary>
internal sealed class FixedClock(DateOnly today) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
