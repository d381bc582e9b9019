namespace CorsKit.BrowserTests;

/// <summary>
/// Where the browser is and whether its absence is a failure. The suite drives Debian's Chromium
/// (never a downloaded browser). On a machine without it the tests are skipped, unless
/// <see cref="RequireVariable"/> is set (as CI does), in which case they fail.
/// </summary>
internal static class BrowserEnvironment
{
    public const string RequireVariable = "CORSKIT_REQUIRE_BROWSER";
    public const string PathVariable = "CORSKIT_CHROMIUM";

    public static string ChromiumPath => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public static bool IsAvailable => File.Exists(ChromiumPath);

    public static string? SkipReason => IsAvailable || IsRequired
        ? null
        : $"Chromium not found at {ChromiumPath}. Install it (apt-get install -y chromium) or point {PathVariable} at it; "
          + $"set {RequireVariable}=1 to make a missing browser fail the suite instead of skipping it.";

    /// <summary>The launch flags this machine needs: no sandbox as root, and no background traffic to a closed network.</summary>
    public static readonly string[] LaunchArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];
}

/// <summary>A test that needs the browser: skipped with instructions when Chromium is missing and not required.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = BrowserEnvironment.SkipReason;
}
