using CorsKit.Testing;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorsKit.BrowserTests.Engines;

/// <summary>
/// WebKitGTK's MiniBrowser (the engine of Safari) through W3C WebDriver: WebKitWebDriver runs
/// under a virtual X server (<c>xvfb-run -a</c>), and each tab is a WebDriver session of its own,
/// so a MiniBrowser of its own with an ephemeral website data store (own cookies, own caches).
/// WebKitWebDriver holds one session at a time, so a scenario holds one page at a time.
/// </summary>
internal sealed class WebKitBrowser : IRunningBrowser
{
    private readonly Process _process;
    private readonly HttpClient _driver;

    private WebKitBrowser(Process process, HttpClient driver, string version)
    {
        _process = process;
        _driver = driver;
        Version = version;
    }

    public string Version { get; }

    public static async Task<WebKitBrowser> LaunchAsync()
    {
        var port = ProgramProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo("/usr/bin/xvfb-run")
        {
            ArgumentList = { "-a", BrowserEngine.WebKit.Program, $"--port={port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("xvfb-run did not start");
        var output = new ProgramOutput(process);
        var driver = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await WaitUntilReadyAsync(driver, process);

            // The version is the MiniBrowser's, which only a session reports.
            var (session, version) = await NewSessionAsync(driver);
            await CommandAsync(driver, HttpMethod.Delete, $"session/{session}");
            return new WebKitBrowser(process, driver, version);
        }
        catch (Exception e)
        {
            driver.Dispose();
            ProgramProcess.TerminateChildren(process);
            await ProgramProcess.StopAsync(process, grace: TimeSpan.FromSeconds(10));
            throw new InvalidOperationException($"WebKitWebDriver did not start: {e.Message}\n{output}", e);
        }
    }

    public async Task<IBrowserTab> OpenAsync()
    {
        var (session, _) = await NewSessionAsync(_driver);
        return new Tab(_driver, session);
    }

    /// <summary>
    /// Stops WebKitWebDriver and the X server by SIGTERM, so that xvfb-run's clean-up removes its
    /// folder and the server its lock file and socket; killed only if they do not exit.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _driver.Dispose();
        ProgramProcess.TerminateChildren(_process);
        await ProgramProcess.StopAsync(_process, grace: TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilReadyAsync(HttpClient driver, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var status = await driver.GetAsync("status");
                if (status.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("WebKitWebDriver is not answering");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<(string Session, string Version)> NewSessionAsync(HttpClient driver)
    {
        var capabilities = new JsonObject
        {
            ["capabilities"] = new JsonObject
            {
                ["alwaysMatch"] = new JsonObject
                {
                    // MiniBrowser accepts a WebDriver session only in automation mode.
                    ["webkitgtk:browserOptions"] = new JsonObject { ["binary"] = BrowserEngine.MiniBrowser, ["args"] = new JsonArray("--automation") },
                    // The same limits as the other engines: a script or a page that never finishes fails the scenario.
                    ["timeouts"] = new JsonObject { ["script"] = 30_000, ["pageLoad"] = 30_000 },
                },
            },
        };
        var value = await CommandAsync(driver, HttpMethod.Post, "session", capabilities);
        return (value.GetProperty("sessionId").GetString()!, value.GetProperty("capabilities").GetProperty("browserVersion").GetString() ?? "unknown");
    }

    /// <summary>Sends a WebDriver command and returns its value; a WebDriver error throws with its message.</summary>
    private static async Task<JsonElement> CommandAsync(HttpClient driver, HttpMethod method, string path, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await driver.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var value = answer.GetProperty("value");
        return response.IsSuccessStatusCode
            ? value.Clone()
            : throw new InvalidOperationException($"WebDriver error {value.GetProperty("error").GetString()} on {path}: {value.GetProperty("message").GetString()}");
    }

    private sealed class Tab(HttpClient driver, string session) : IBrowserTab
    {
        private const string ScriptFailed = "script failed: ";

        public async Task NavigateAsync(string url) => await CommandAsync(driver, HttpMethod.Post, $"session/{session}/url", new JsonObject { ["url"] = url });

        public async Task<string> EvaluateAsync(string expression)
        {
            var value = await CommandAsync(driver, HttpMethod.Post, $"session/{session}/execute/async", new JsonObject
            {
                // The expression's (awaited) value goes to WebDriver's completion callback.
                ["script"] = $"const done = arguments[0]; Promise.resolve({expression}).then(done, e => done({JsonSerializer.Serialize(ScriptFailed)} + e));",
                ["args"] = new JsonArray(),
            });
            var text = value.GetString()!;
            return text.StartsWith(ScriptFailed, StringComparison.Ordinal) ? throw new InvalidOperationException($"WebKit: {text}") : text;
        }

        public async ValueTask DisposeAsync() => await CommandAsync(driver, HttpMethod.Delete, $"session/{session}");
    }
}
