using CorsKit.Policies;

namespace CorsKit.Cli;

/// <summary>
/// <c>corskit diff</c>: compares two configurations (each one file, or several layered as the
/// host layers them) by what they let pages do, as the app's audit log does on a reload
/// (<see cref="AccessComparer"/>), and says with its exit code whether access widened, so that a
/// CI step can ask for a security review.
/// </summary>
internal static class ConfigurationDiff
{
    /// <summary>Access is the same (changes that grant and take away nothing, such as a max-age, may remain).</summary>
    public const int Unchanged = 0;

    /// <summary>Something widened access, whatever else narrowed it.</summary>
    public const int Widened = 3;

    /// <summary>Changes only narrowed access (besides changes without effect on it).</summary>
    public const int NarrowedOnly = 4;

    public static int Run(IReadOnlyList<string> oldFiles, IReadOnlyList<string> newFiles, string section, TextWriter output, TimeProvider time)
    {
        var before = Load("Old configuration", oldFiles, section, output, time);
        var after = Load("New configuration", newFiles, section, output, time);
        if (before is null || after is null)
        {
            output.WriteLine("No comparison: the configurations must both be valid (corskit check lists every problem).");
            return ConfigurationCheck.Invalid;
        }

        var changes = AccessComparer.Compare(before, after, section);
        foreach (var change in changes.Changes)
        {
            output.WriteLine(change.ToString());
        }

        output.WriteLine(changes.Summary);
        return changes.Verdict switch
        {
            AccessEffect.Widened => Widened,
            AccessEffect.Narrowed => NarrowedOnly,
            _ => Unchanged,
        };
    }

    /// <summary>Reads, names and compiles one side; null, with its errors written, when it is not a valid configuration.</summary>
    private static CompiledPolicySet? Load(string heading, IReadOnlyList<string> files, string section, TextWriter output, TimeProvider time)
    {
        if (LayeredConfiguration.Read(files, section, output) is not { } configuration)
        {
            return null;
        }

        configuration.WriteFiles(heading, output);
        var (policies, issues) = configuration.Load(time);
        if (policies is null)
        {
            ConfigurationCheck.WriteIssues(issues.Errors, output);
            return null;
        }

        configuration.WriteEffectiveOrigins(policies, output);
        return policies;
    }
}
