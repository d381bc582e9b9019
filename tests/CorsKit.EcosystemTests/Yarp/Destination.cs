using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CorsKit.Testing;

namespace CorsKit.EcosystemTests.Yarp;

/// <summary>
/// tests/CorsKit.GatewayDestination run as a real process (<c>dotnet
/// CorsKit.GatewayDestination.dll</c>) on Kestrel, 127.0.0.1 and a free port, in a temporary
/// working folder, in Production. It answers CORS its own way by the path's mode (<c>echo</c>,
/// <c>star</c>, <c>none</c>) and counts every request that reaches it, which the tests read to
/// tell what the gateway forwarded. Disposing stops it, also when starting failed.
/// </summary>
public sealed class Destination : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly ProgramOutput _output;
    private readonly HttpClient _client;

    private Destination(Process process, string folder, ProgramOutput output, Uri address)
    {
        _process = process;
        _folder = folder;
        _output = output;
        Address = address;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };
    }

    /// <summary>Where the gateway's cluster sends requests: http://127.0.0.1:PORT/.</summary>
    public Uri Address { get; }

    /// <summary>What the program wrote, for failure messages.</summary>
    public string Output => _output.ToString();

    public static async Task<Destination> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CorsKit.GatewayDestination.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("the destination is built with this test project (ProjectReference)", dll);
        }

        var folder = Directory.CreateTempSubdirectory("corskit-gateway-destination-").FullName;
        var port = ProgramProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(DotnetPath)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test runner's environment configures it: only what is set here.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase) || k.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var process = ProgramProcess.Start(start, folder);
        var output = new ProgramOutput(process);
        try
        {
            await ProgramProcess.WaitUntilListeningAsync(process, "the gateway destination", port, TimeSpan.FromSeconds(60), output.ToString);
        }
        catch
        {
            await StopAsync(process, folder);
            throw;
        }

        return new Destination(process, folder, output, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>How many <paramref name="method"/> requests for <paramref name="path"/> reached the destination.</summary>
    public async Task<int> CountAsync(string method, string path)
    {
        var count = await _client.GetStringAsync($"/__count?method={Uri.EscapeDataString(method)}&path={Uri.EscapeDataString(path)}");
        return int.Parse(count, CultureInfo.InvariantCulture);
    }

    /// <summary>Every request that reached the destination, "METHOD /path" a line, for failure messages.</summary>
    public Task<string> ArrivalsAsync() => _client.GetStringAsync("/__arrivals");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await StopAsync(_process, _folder);
    }

    private static async ValueTask StopAsync(Process process, string folder)
    {
        try
        {
            await ProgramProcess.StopAsync(process);
        }
        finally
        {
            ProgramProcess.DeleteFolder(folder);
        }
    }

    /// <summary>The dotnet host running this test, to run the destination with the same runtime.</summary>
    private static string DotnetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}

/// <summary>One destination process for every YARP test: started once, stopped at the end, also after failures.</summary>
public sealed class DestinationFixture : IAsyncLifetime
{
    private Destination? _destination;

    public Destination Destination => _destination ?? throw new InvalidOperationException("the destination has not started");

    public async Task InitializeAsync() => _destination = await Destination.StartAsync();

    public async Task DisposeAsync()
    {
        if (_destination is not null)
        {
            await _destination.DisposeAsync();
        }
    }
}

/// <summary>The YARP tests share one destination process and run one after another (two cores).</summary>
[CollectionDefinition(Name)]
public sealed class YarpTests : ICollectionFixture<DestinationFixture>
{
    public const string Name = "YARP gateway with a destination process";
}
