using CorsKit.Testing;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CorsKit.BrowserTests.Engines;

/// <summary>
/// Debian's Firefox ESR, driven through WebDriver BiDi, which it speaks itself: started headless
/// with a fresh empty profile and a remote-debugging port of its choice; each tab gets a user context of its own
/// (a container: own cookies, own caches).
/// </summary>
internal sealed class FirefoxBrowser : IRunningBrowser
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly BiDiConnection _bidi;

    private FirefoxBrowser(Process process, string profile, BiDiConnection bidi, string version)
    {
        _process = process;
        _profile = profile;
        _bidi = bidi;
        Version = version;
    }

    public string Version { get; }

    public static async Task<FirefoxBrowser> LaunchAsync()
    {
        var profile = Directory.CreateTempSubdirectory("corskit-firefox-").FullName;
        var start = new ProcessStartInfo(BrowserEngine.Firefox.Program)
        {
            ArgumentList = { "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0", "about:blank" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = ProgramProcess.Start(start, profile);
        var output = new ProgramOutput(process);
        BiDiConnection? bidi = null;
        try
        {
            // With port 0 Firefox listens on a free port of its choice and says which.
            var endpoint = await output.LineAfterAsync("WebDriver BiDi listening on ", TimeSpan.FromSeconds(30));
            bidi = await BiDiConnection.ConnectAsync(new Uri($"{endpoint.Trim()}/session"));
            var session = await bidi.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() });
            var version = session.GetProperty("capabilities").GetProperty("browserVersion").GetString() ?? "unknown";
            return new FirefoxBrowser(process, profile, bidi, version);
        }
        catch (Exception e)
        {
            try
            {
                if (bidi is not null)
                {
                    await bidi.DisposeAsync();
                }

                await ProgramProcess.StopAsync(process);
            }
            finally
            {
                ProgramProcess.DeleteFolder(profile);
            }

            throw new InvalidOperationException($"Firefox did not start: {e.Message}\n{output}", e);
        }
    }

    public async Task<IBrowserTab> OpenAsync()
    {
        var userContext = (await _bidi.SendAsync("browser.createUserContext", new JsonObject())).GetProperty("userContext").GetString()!;
        try
        {
            var context = (await _bidi.SendAsync("browsingContext.create", new JsonObject { ["type"] = "tab", ["userContext"] = userContext }))
                .GetProperty("context").GetString()!;
            return new Tab(_bidi, userContext, context);
        }
        catch
        {
            await _bidi.SendAsync("browser.removeUserContext", new JsonObject { ["userContext"] = userContext });
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _bidi.DisposeAsync();
            await ProgramProcess.StopAsync(_process);
        }
        finally
        {
            ProgramProcess.DeleteFolder(_profile);
        }
    }

    private sealed class Tab(BiDiConnection bidi, string userContext, string context) : IBrowserTab
    {
        public async Task NavigateAsync(string url) =>
            await bidi.SendAsync("browsingContext.navigate", new JsonObject { ["context"] = context, ["url"] = url, ["wait"] = "complete" });

        public async Task<string> EvaluateAsync(string expression)
        {
            var evaluated = await bidi.SendAsync("script.evaluate", new JsonObject
            {
                ["expression"] = expression,
                ["target"] = new JsonObject { ["context"] = context },
                ["awaitPromise"] = true,
            });
            return evaluated.GetProperty("type").GetString() == "success"
                ? evaluated.GetProperty("result").GetProperty("value").GetString()!
                : throw new InvalidOperationException($"Script failed in Firefox: {evaluated.GetProperty("exceptionDetails").GetProperty("text").GetString()}");
        }

        public async ValueTask DisposeAsync() =>
            await bidi.SendAsync("browser.removeUserContext", new JsonObject { ["userContext"] = userContext });
    }
}
