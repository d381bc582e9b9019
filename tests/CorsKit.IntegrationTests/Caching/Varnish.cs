using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>
/// Where varnishd is and whether its absence is a failure. The tests use Debian's Varnish
/// (apt-get install -y varnish). Without it they are skipped, unless CORSKIT_REQUIRE_BROWSER is
/// set (as CI's .ci/run does for every external program the suites drive), in which case they fail.
/// </summary>
internal static class VarnishEnvironment
{
    public const string RequireVariable = "CORSKIT_REQUIRE_BROWSER";
    public const string PathVariable = "CORSKIT_VARNISHD";

    public static string VarnishdPath => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
        ? path
        : new[] { "/usr/sbin/varnishd", "/usr/bin/varnishd" }.FirstOrDefault(File.Exists) ?? "/usr/sbin/varnishd";

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public static bool IsAvailable => File.Exists(VarnishdPath);

    public static string? SkipReason => IsAvailable || IsRequired
        ? null
        : $"varnishd not found at {VarnishdPath}. Install it (apt-get install -y varnish) or point {PathVariable} at it; "
          + $"set {RequireVariable}=1 to make a missing varnishd fail these tests instead of skipping them.";
}

/// <summary>
/// A test that needs varnishd: skipped with instructions when it is missing and not required.
/// The test runner prints a skip reason only at detailed verbosity, so a skipped test's name
/// carries it too, and `dotnet test` shows it by default.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VarnishFactAttribute : FactAttribute
{
    public VarnishFactAttribute([CallerMemberName] string test = "")
    {
        if (VarnishEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
            DisplayName = $"{test} (skipped: {reason})";
        }
    }
}

/// <summary>
/// A varnishd in the foreground in front of one backend on 127.0.0.1, listening on 127.0.0.1
/// only, with its working directory in a fresh temporary folder. Disposing stops it (the manager
/// and its worker) and deletes the folder, also when starting failed.
/// </summary>
/// <remarks>
/// The arguments that work here, as root and as another user: <c>-F</c> (foreground, so the
/// process is the test's child), <c>-n &lt;temp dir&gt;</c>, <c>-a 127.0.0.1:port</c>,
/// <c>-b 127.0.0.1:backend</c> (the builtin VCL with that backend), <c>-s malloc,32m</c>,
/// <c>-T none</c> (no management port) and <c>-j none</c>: as root the default unix jail runs
/// the VCL compiler as the package's unprivileged user, which cannot write to a private
/// temporary folder ("Failed to create vcl_boot…/vgc.c: Permission denied"); as another user
/// varnishd already falls back to no jail. The builtin VCL is compiled with the system's C
/// compiler (gcc, a dependency of the Debian package) at every start, about a second.
/// </remarks>
internal sealed class VarnishProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;
    private readonly StringBuilder _output = new();

    private VarnishProcess(Process process, string workDir, int port)
    {
        _process = process;
        _workDir = workDir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What varnishd wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<VarnishProcess> StartAsync(int backendPort)
    {
        if (!VarnishEnvironment.IsAvailable)
        {
            throw new InvalidOperationException(
                $"varnishd not found at {VarnishEnvironment.VarnishdPath} and {VarnishEnvironment.RequireVariable} is set: "
                + $"install it (apt-get install -y varnish) or point {VarnishEnvironment.PathVariable} at it.");
        }

        var workDir = Directory.CreateTempSubdirectory("corskit-varnish-").FullName;
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(VarnishEnvironment.VarnishdPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-F", "-n", workDir, "-a", $"127.0.0.1:{port}", "-b", $"127.0.0.1:{backendPort}",
            "-s", "malloc,32m", "-T", "none", "-j", "none",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        }
        catch
        {
            Directory.Delete(workDir, recursive: true);
            throw;
        }

        var varnish = new VarnishProcess(process, workDir, port);
        process.OutputDataReceived += (_, e) => varnish.Append(e.Data);
        process.ErrorDataReceived += (_, e) => varnish.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await varnish.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
            return varnish;
        }
        catch
        {
            await varnish.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_workDir, recursive: true);
            }
            catch (IOException)
            {
                // The worker may still be letting go of its files; the folder is in the temp directory.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan limit)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"varnishd exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"varnishd did not listen on 127.0.0.1:{Port} within {limit}:{Environment.NewLine}{Output}");
    }

    /// <summary>A port the OS just gave out on 127.0.0.1 (released for varnishd to take).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
