namespace CorsKit.Policies;

internal enum IssueSeverity : byte
{
    Error,
    Warning,
}

/// <summary>One finding about a configuration: where it is (a configuration key path) and what to write instead.</summary>
internal sealed record ConfigurationIssue(IssueSeverity Severity, string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Collects the issues of one validation run, so that every error is reported at once.</summary>
internal sealed class ConfigurationIssues
{
    private readonly List<ConfigurationIssue> _all = [];

    public IReadOnlyList<ConfigurationIssue> All => _all;

    public IEnumerable<ConfigurationIssue> Errors => _all.Where(i => i.Severity == IssueSeverity.Error);

    public IEnumerable<ConfigurationIssue> Warnings => _all.Where(i => i.Severity == IssueSeverity.Warning);

    public bool HasErrors => _all.Exists(i => i.Severity == IssueSeverity.Error);

    public int ErrorCount => _all.Count(i => i.Severity == IssueSeverity.Error);

    public void Error(string path, string message) => _all.Add(new(IssueSeverity.Error, path, message));

    public void Warning(string path, string message) => _all.Add(new(IssueSeverity.Warning, path, message));
}
