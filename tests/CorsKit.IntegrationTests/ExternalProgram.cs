using CorsKit.Testing;
using System.Diagnostics;

namespace CorsKit.IntegrationTests;

/// <summary>
/// A Debian program a test drives (varnishd, nginx): where it is, and whether its absence is a
/// failure. Without it the tests are skipped, unless CORSKIT_REQUIRE_BROWSER is set (as CI's
/// .ci/run does for every external program the suites drive), in which case they fail.
/// </summary>
public sealed class ExternalProgram
{
    public const string RequireVariable = "CORSKIT_REQUIRE_BROWSER";

    private readonly string _name;
    private readonly string _package;
    private readonly string _pathVariable;
    private readonly string[] _candidates;

    private ExternalProgram(string name, string package, string pathVariable, params string[] candidates)
    {
        _name = name;
        _package = package;
        _pathVariable = pathVariable;
        _candidates = candidates;
    }

    public static ExternalProgram Varnishd { get; } = new("varnishd", "varnish", "CORSKIT_VARNISHD", "/usr/sbin/varnishd", "/usr/bin/varnishd");

    public static ExternalProgram Nginx { get; } = new("nginx", "nginx", "CORSKIT_NGINX", "/usr/sbin/nginx", "/usr/bin/nginx");

    /// <summary>PostgreSQL's <c>pg_ctl</c> from Debian's <c>postgresql</c> (the newest major version installed).</summary>
    public static ExternalProgram PgCtl { get; } = new("pg_ctl", "postgresql", "CORSKIT_PG_CTL",
    [
        .. (Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(d), out var major) ? major : 0)
            : Enumerable.Empty<string>()).Select(d => System.IO.Path.Combine(d, "bin", "pg_ctl")),
        "/usr/lib/postgresql/15/bin/pg_ctl",
    ]);

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public string Path => Environment.GetEnvironmentVariable(_pathVariable) is { Length: > 0 } path
        ? path
        : _candidates.FirstOrDefault(File.Exists) ?? _candidates[0];

    public bool IsAvailable => File.Exists(Path);

    public string? SkipReason => IsAvailable || IsRequired
        ? null
        : $"{_name} not found at {Path}. Install it (apt-get install -y {_package}) or point {_pathVariable} at it; "
          + $"set {RequireVariable}=1 to make a missing {_name} fail these tests instead of skipping them.";

    /// <summary>The program's path; throws, naming what to install, when it is missing (and required, or the test would have been skipped).</summary>
    public string RequirePath() => IsAvailable
        ? Path
        : throw new InvalidOperationException(
            $"{_name} not found at {Path} and {RequireVariable} is set: install it (apt-get install -y {_package}) or point {_pathVariable} at it.");

    /// <summary>Stops a started process and its children, then deletes its temporary folder, whatever happens.</summary>
    public static async ValueTask StopAsync(Process process, string folder)
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
}

/// <summary>
/// A test that needs an external program: skipped with instructions when it is missing and not
/// required. The test runner prints a skip reason only at detailed verbosity, so a skipped
/// test's name carries it too, and `dotnet test` shows it by default.
/// </summary>
public abstract class ExternalProgramFactAttribute : FactAttribute
{
    protected ExternalProgramFactAttribute(ExternalProgram program, string test)
    {
        if (program.SkipReason is { } reason)
        {
            Skip = reason;
            DisplayName = $"{test} (skipped: {reason})";
        }
    }
}
