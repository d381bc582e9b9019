using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CorsKit.Testing;

/// <summary>Starting and stopping the programs tests drive (browsers, varnishd, nginx, app instances), so that none is ever left running.</summary>
public static class ProgramProcess
{
    /// <summary>
    /// Starts a program that works in <paramref name="folder"/> (a temporary folder of its own),
    /// which is deleted if the program cannot be started.
    /// </summary>
    public static Process Start(ProcessStartInfo start, string folder)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>
    /// Stops a started process: it gets <paramref name="grace"/> to exit by itself (after being
    /// asked to), then it and every child it started are killed. Never throws for a process that
    /// will not die; the test run goes on and the process is reported by the next one.
    /// </summary>
    public static async ValueTask StopAsync(Process process, TimeSpan grace = default)
    {
        try
        {
            if (!await ExitsWithinAsync(process, grace))
            {
                process.Kill(entireProcessTree: true);
                await ExitsWithinAsync(process, TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>
    /// Asks the children of <paramref name="process"/> to terminate (SIGTERM), as a shell
    /// wrapper like xvfb-run needs: its own clean-up runs when its command exits, and a killed
    /// X server leaves its lock file and socket behind.
    /// </summary>
    public static void TerminateChildren(Process process)
    {
        var children = $"/proc/{process.Id}/task/{process.Id}/children";
        if (!File.Exists(children))
        {
            return;
        }

        var pids = File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (pids.Length > 0)
        {
            using var kill = Process.Start("kill", ["-TERM", .. pids]);
            kill.WaitForExit();
        }
    }

    /// <summary>A port the OS just gave out on 127.0.0.1, released for a program that needs to be told one.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until <paramref name="process"/> accepts connections on 127.0.0.1:<paramref name="port"/>;
    /// throws with its output if it exits or <paramref name="limit"/> passes first.
    /// </summary>
    public static async Task WaitUntilListeningAsync(Process process, string name, int port, TimeSpan limit, Func<string> output)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < limit)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode}:{Environment.NewLine}{output()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{name} did not listen on 127.0.0.1:{port} within {limit}:{Environment.NewLine}{output()}");
    }

    /// <summary>Deletes a temporary folder a program used; a child still letting go of a file leaves it to the temp directory.</summary>
    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan time)
    {
        using var timeout = new CancellationTokenSource(time);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return process.HasExited;
        }
    }
}
