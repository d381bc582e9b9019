using CorsKit.Testing;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CorsKit.IntegrationTests.Caching;

/// <summary>A test that needs varnishd (Debian's varnish).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VarnishFactAttribute([CallerMemberName] string test = "") : ExternalProgramFactAttribute(ExternalProgram.Varnishd, test);

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
    private readonly ProgramOutput _output;
    private readonly string _workDir;

    private VarnishProcess(Process process, string workDir, int port)
    {
        _process = process;
        _output = new ProgramOutput(process);
        _workDir = workDir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What varnishd wrote, for failure messages.</summary>
    public string Output => _output.ToString();

    public static async Task<VarnishProcess> StartAsync(int backendPort)
    {
        var varnishd = ExternalProgram.Varnishd.RequirePath();

        var workDir = Directory.CreateTempSubdirectory("corskit-varnish-").FullName;
        var port = ProgramProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(varnishd)
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

        var process = ProgramProcess.Start(start, workDir);

        var varnish = new VarnishProcess(process, workDir, port);
        try
        {
            await ProgramProcess.WaitUntilListeningAsync(process, "varnishd", varnish.Port, TimeSpan.FromSeconds(60), () => varnish.Output);
            return varnish;
        }
        catch
        {
            await varnish.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => ExternalProgram.StopAsync(_process, _workDir);
}
