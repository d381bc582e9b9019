namespace CorsKit.BrowserTests.Engines;

/// <summary>A browser of one engine, started by the suite and stopped with it.</summary>
public interface IRunningBrowser : IAsyncDisposable
{
    /// <summary>The engine's version as the browser reports it.</summary>
    string Version { get; }

    /// <summary>
    /// Opens a blank tab in a context of its own: no cookie and no cached preflight shared with
    /// any other tab.
    /// </summary>
    Task<IBrowserTab> OpenAsync();
}

/// <summary>One tab of a running browser, the three engines' common ground.</summary>
public interface IBrowserTab : IAsyncDisposable
{
    /// <summary>Navigates the tab and waits until the page has loaded.</summary>
    Task NavigateAsync(string url);

    /// <summary>
    /// Evaluates a JavaScript expression in the page whose value is a string or a promise of one
    /// (the scripts return JSON), and returns that string.
    /// </summary>
    Task<string> EvaluateAsync(string expression);
}
