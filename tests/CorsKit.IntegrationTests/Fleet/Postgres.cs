using CorsKit.Testing;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>A test that needs PostgreSQL (Debian's postgresql).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute([CallerMemberName] string test = "") : ExternalProgramFactAttribute(ExternalProgram.PgCtl, test);

/// <summary>
/// A PostgreSQL server of its own: a fresh cluster (<c>initdb</c>, trust authentication, superuser
/// <c>corskit</c>) in a temporary folder, listening on 127.0.0.1 and a free port, its socket in
/// that folder. PostgreSQL refuses to run as root: as root, the folder is given to the
/// <c>postgres</c> user and every command runs through <c>runuser -u postgres</c>. Durability is
/// off (<c>fsync=off</c>): the cluster lives as long as the test. Disposing stops the server
/// (<c>pg_ctl stop -m fast</c>) and deletes the folder, also when starting failed.
/// </summary>
internal sealed class PostgresProcess : IAsyncDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    private readonly string _binDirectory;
    private readonly string _folder;
    private bool _running;

    private PostgresProcess(string binDirectory, string folder, int port)
    {
        _binDirectory = binDirectory;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>For Npgsql: the superuser on the <c>postgres</c> database, short timeouts.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=corskit;Database=postgres;Timeout=3;Command Timeout=3";

    private string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>The server's log, for failure messages.</summary>
    public string Output
    {
        get
        {
            var log = Path.Combine(_folder, "log");
            try
            {
                return File.Exists(log) ? File.ReadAllText(log) : string.Empty;
            }
            catch (IOException)
            {
                return string.Empty;
            }
        }
    }

    public static async Task<PostgresProcess> StartAsync()
    {
        var pgCtl = ExternalProgram.PgCtl.RequirePath();
        var folder = Directory.CreateTempSubdirectory("corskit-postgres-").FullName;
        var server = new PostgresProcess(Path.GetDirectoryName(pgCtl)!, folder, ProgramProcess.FreeLoopbackPort());
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", ["postgres:postgres", folder]);
            }

            await server.RunPostgresAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", "corskit", "--no-sync", "-E", "UTF8"]);
            await server.RunPostgresAsync("pg_ctl",
            [
                "-D", server.DataDirectory,
                "-o", $"-k {folder} -p {server.Port} -h 127.0.0.1 -c fsync=off -c max_connections=200",
                "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "start",
            ]);
            server._running = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (the fail-closed tests stop it under a running fleet); the folder stays until disposal.</summary>
    public async Task StopAsync()
    {
        if (_running || File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            _running = false;
            await RunPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            ProgramProcess.DeleteFolder(_folder);
        }
    }

    private Task RunPostgresAsync(string program, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory, program);
        return Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new ProgramOutput(process);
        using var limit = new CancellationTokenSource(CommandLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandLimit}:{Environment.NewLine}{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }
}
