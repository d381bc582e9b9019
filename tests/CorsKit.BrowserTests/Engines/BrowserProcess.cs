using System.Diagnostics;

namespace CorsKit.BrowserTests.Engines;

/// <summary>Starting and stopping the programs behind an engine, so that none is ever left running.</summary>
internal static class BrowserProcess
{
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
                await ExitsWithinAsync(process, TimeSpan.FromSeconds(20));
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

    /// <summary>A free loopback port for a program that needs to be told one.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Deletes a temporary folder a browser used; a child still letting go of a file leaves it to the temp directory.</summary>
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
