using CorsKit.Testing;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// One fleet instance: tests/CorsKit.FleetApp run as a real process (<c>dotnet
/// CorsKit.FleetApp.dll</c>) on Kestrel, on 127.0.0.1 and a port Kestrel picks, in Production,
/// with a fresh working directory as its content root (so no appsettings.json but the ConfigMap's
/// is read). Its console log is kept line by line with the time each line arrived. Disposing
/// kills the process, also when starting failed.
/// </summary>
internal sealed partial class FleetInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;
    private readonly Stopwatch _clock;
    private readonly List<(TimeSpan At, string Line)> _lines = [];
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FleetInstance(string name, Process process, string workDir, Stopwatch clock)
    {
        Name = name;
        _process = process;
        _workDir = workDir;
        _clock = clock;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the instance wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines.Select(l => l.Line));
            }
        }
    }

    /// <summary>
    /// Starts the instance <paramref name="name"/> reading its policies from
    /// <paramref name="configDirectory"/>, with polling file watching unless
    /// <paramref name="environment"/> says otherwise. <paramref name="clock"/> times its log lines.
    /// </summary>
    public static async Task<FleetInstance> StartAsync(
        string name, string configDirectory, Stopwatch clock, IReadOnlyDictionary<string, string>? environment = null)
    {
        var appPath = Path.Combine(AppContext.BaseDirectory, "CorsKit.FleetApp.dll");
        if (!File.Exists(appPath))
        {
            throw new FileNotFoundException("the fleet app is built with this test project (ProjectReference)", appPath);
        }

        var workDir = Directory.CreateTempSubdirectory($"corskit-fleet-{name}-").FullName;
        var start = new ProcessStartInfo(DotnetPath)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            appPath, "--urls", "http://127.0.0.1:0", "--Fleet:Instance", name, "--Fleet:ConfigDirectory", configDirectory,
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test runner's environment may configure the instance: only what is set here.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Cors__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Fleet__", StringComparison.OrdinalIgnoreCase)
                || key.Equals("AllowedHosts", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_USE_POLLING_FILE_WATCHER", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_USE_POLLING_FILE_WATCHER"] = "true";

        // Two lines per request from the framework's request logging would drown CorsKit's.
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = ProgramProcess.Start(start, workDir);

        var instance = new FleetInstance(name, process, workDir, clock);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => instance._listening.TrySetException(
            new InvalidOperationException($"instance {name} exited before listening:{Environment.NewLine}{instance.Output}"));
        process.OutputDataReceived += (_, e) => instance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            instance.Port = await instance._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return instance;
        }
        catch (TimeoutException)
        {
            await instance.DisposeAsync();
            throw new TimeoutException($"instance {name} did not listen within 60 s:{Environment.NewLine}{instance.Output}");
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>The log lines that arrived at or after <paramref name="since"/> on the clock.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> LinesSince(TimeSpan since)
    {
        lock (_lines)
        {
            return _lines.Where(l => l.At >= since).ToList();
        }
    }

    /// <summary>When the first log entry with <paramref name="eventId"/> arrived at or after <paramref name="since"/>, if one did.</summary>
    public TimeSpan? LoggedAt(int eventId, TimeSpan since) =>
        LinesSince(since).FirstOrDefault(l => HasEventId(l.Line, eventId)) is { Line: not null } line ? line.At : null;

    /// <summary>Waits, at most <paramref name="limit"/>, for a log entry with <paramref name="eventId"/> at or after <paramref name="since"/>.</summary>
    public async Task<TimeSpan?> WaitForLogAsync(int eventId, TimeSpan since, TimeSpan limit)
    {
        var deadline = _clock.Elapsed + limit;
        while (_clock.Elapsed < deadline)
        {
            if (LoggedAt(eventId, since) is { } at)
            {
                return at;
            }

            await Task.Delay(50);
        }

        return LoggedAt(eventId, since);
    }

    public ValueTask DisposeAsync() => ExternalProgram.StopAsync(_process, _workDir);

    /// <summary>
    /// Whether <paramref name="line"/> is the console logger's first line of a CorsKit entry with
    /// <paramref name="eventId"/>: "fail: CorsKit.Hosting.Configuration.CorsPolicyStore[1001]".
    /// </summary>
    private static bool HasEventId(string line, int eventId) =>
        line.EndsWith($"[{eventId}]", StringComparison.Ordinal) && line.Contains(": CorsKit.", StringComparison.Ordinal);

    /// <summary>The dotnet host running this test, to run the app with the same runtime.</summary>
    private static string DotnetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add((_clock.Elapsed, line));
        }

        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();
}
