namespace CorsKit.BrowserTests.Engines;

/// <summary>A browser of one engine, started by the suite and stopped with it.</summary>
public interface IRunningBrowser : IAsyncDisposable
{
    /// <summary>The engine's version as the browser reports it.</summary>
    string Version { get; }

    /// <summary>
    /// Opens a tab on <paramref name="url"/> in a context of its own: no cookie and no cached
    /// preflight shared with any other tab.
    /// </summary>
    Task<IBrowserTab> OpenAsync(string url);
}

/// <summary>One tab of a running browser, the three engines' common ground.</summary>
public interface IBrowserTab : IAsyncDisposable
{
    /// <summary>
    /// Evaluates a JavaScript expression in the page whose value is a string or a promise of one
    /// (the scripts return JSON), and returns that string.
    /// </summary>
    Task<string> EvaluateAsync(string expression);
}
