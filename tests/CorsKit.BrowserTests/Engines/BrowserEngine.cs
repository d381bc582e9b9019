namespace CorsKit.BrowserTests.Engines;

/// <summary>
/// One of the three browser engines the suite drives, all from Debian, never downloaded: where
/// its programs are, and whether their absence is a failure. On a machine without them an
/// engine's scenarios are skipped, unless <see cref="RequireVariable"/> is set (as CI does), in
/// which case they fail.
/// </summary>
public sealed class BrowserEngine
{
    public const string RequireVariable = "CORSKIT_REQUIRE_BROWSER";

    private readonly string[] _programs;

    private BrowserEngine(string name, string packages, params string[] programs)
    {
        Name = name;
        Packages = packages;
        _programs = programs;
    }

    /// <summary>
    /// WebKitGTK's MiniBrowser, in the library folder of the machine's architecture (package
    /// libwebkit2gtk-4.1-0). Declared first: the engines below name it.
    /// </summary>
    public static string MiniBrowser { get; } =
        (Directory.Exists("/usr/lib")
            ? Directory.EnumerateFiles("/usr/lib", "MiniBrowser", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 })
                .FirstOrDefault(path => path.EndsWith("/webkit2gtk-4.1/MiniBrowser", StringComparison.Ordinal))
            : null)
        ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

    /// <summary>Debian's Chromium, driven by Microsoft.Playwright.</summary>
    public static BrowserEngine Chromium { get; } = new("Chromium", "chromium", "/usr/bin/chromium");

    /// <summary>Debian's Firefox ESR (Gecko), driven by WebDriver BiDi, which it speaks itself.</summary>
    public static BrowserEngine Firefox { get; } = new("Firefox", "firefox-esr", "/usr/bin/firefox-esr");

    /// <summary>
    /// WebKitGTK's MiniBrowser (the engine of Safari), driven by WebKitWebDriver under a virtual
    /// X server.
    /// </summary>
    public static BrowserEngine WebKit { get; } = new(
        "WebKit",
        "webkit2gtk-driver xvfb xauth",
        "/usr/bin/WebKitWebDriver",
        MiniBrowser,
        "/usr/bin/xvfb-run",
        "/usr/bin/xauth");

    public static IReadOnlyList<BrowserEngine> All { get; } = [Chromium, Firefox, WebKit];

    public static BrowserEngine Named(string name) => All.Single(e => e.Name == name);

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public string Name { get; }

    /// <summary>The Debian packages that provide the engine.</summary>
    public string Packages { get; }

    /// <summary>The engine's main program (the browser, or for WebKit its WebDriver).</summary>
    public string Program => _programs[0];

    /// <summary>The programs the engine needs that this machine lacks.</summary>
    public IEnumerable<string> MissingPrograms => _programs.Where(p => !File.Exists(p));

    public bool IsAvailable => !MissingPrograms.Any();

    /// <summary>Why the engine's scenarios are skipped; null when they run (or must, and fail without it).</summary>
    public string? SkipReason => IsAvailable || IsRequired
        ? null
        : $"{Name} is missing ({string.Join(", ", MissingPrograms)}): apt-get install -y {Packages}; "
          + $"set {RequireVariable}=1 to make a missing engine fail the suite instead of skipping it.";

    /// <summary>Throws, naming what to install, when the engine is missing (and required, or its tests would have been skipped).</summary>
    public void EnsureAvailable()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException(
                $"{RequireVariable} is set but {Name} is missing ({string.Join(", ", MissingPrograms)}): apt-get install -y {Packages}.");
        }
    }

    public override string ToString() => Name;
}
