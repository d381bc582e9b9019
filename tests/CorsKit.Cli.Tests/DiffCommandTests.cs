namespace CorsKit.Cli.Tests;

public sealed class DiffCommandTests : IDisposable
{
    private const string Web = """{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ], "Methods": [ "PUT" ] } } } }""";

    private static readonly string SampleFile = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../samples/CorsKit.Samples.Api/appsettings.json"));

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Lines(params string[] lines) => string.Concat(lines.Select(line => line + Environment.NewLine));

    private static string[] Loaded(string heading, string file, params string[] origins) =>
        [$"{heading} configuration: {file}.", "Effective origins:", .. origins.Select(o => $"  {o}")];

    [Fact]
    public async Task The_same_access_exits_0_and_lists_the_changes_that_grant_nothing()
    {
        var before = _files.Write(Web);
        var after = _files.Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ], "Methods": [ "PUT", "GET" ], "MaxAgeSeconds": 60 } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", before, after);

        exitCode.Should().Be(0);
        output.Should().Be(Lines([
            .. Loaded("Old", before, "Cors:Policies:web:Origins:0: https://app.example.com"),
            .. Loaded("New", after, "Cors:Policies:web:Origins:0: https://app.example.com"),
            "same access: Cors:Policies:web:Methods: added 'GET' (already allowed).",
            "same access: Cors:Policies:web:MaxAgeSeconds: unset -> 60 (how long browsers may cache a preflight answer, not what it allows).",
            "Access unchanged: 2 change(s) left it the same.",
        ]));
    }

    [Fact]
    public async Task Identical_configurations_exit_0_with_no_change()
    {
        var (exitCode, output) = await Cli.RunAsync("diff", _files.Write(Web), _files.Write(Web));

        exitCode.Should().Be(0);
        output.Should().EndWith($"{Environment.NewLine}Access unchanged: no change.{Environment.NewLine}");
    }

    [Fact]
    public async Task Widened_access_exits_3_even_when_something_else_narrowed()
    {
        var before = _files.Write(Web);
        var after = _files.Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ], "AllowCredentials": true } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", before, after);

        exitCode.Should().Be(3);
        output.Should().EndWith(Lines(
            "narrowed: Cors:Policies:web:Methods: removed 'PUT'.",
            "widened: Cors:Policies:web:AllowCredentials: false -> true.",
            "Access widened: 1 change(s) widened it, 1 narrowed it."));
    }

    [Fact]
    public async Task Access_only_narrowed_exits_4()
    {
        var before = _files.Write("""{ "Cors": { "BlockCrossOriginUnsafeRequests": false, "Policies": { "web": { "Origins": [ "https://app.example.com" ], "Methods": [ "PUT" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", before, _files.Write(Web));

        exitCode.Should().Be(4);
        output.Should().EndWith(Lines(
            "narrowed: Cors:CrossOriginGuard: Off -> Enforce (the CSRF guard).",
            "Access narrowed only: 1 change(s) narrowed it."));
    }

    [Fact]
    public async Task An_invalid_configuration_exits_1_with_its_errors_and_no_comparison()
    {
        var before = _files.Write(Web);
        var after = _files.Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "null" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", before, after);

        exitCode.Should().Be(1);
        output.Should().StartWith(string.Join(Environment.NewLine, Loaded("Old", before, "Cors:Policies:web:Origins:0: https://app.example.com")))
            .And.Contain($"New configuration: {after}.{Environment.NewLine}error: Cors:Policies:web:Origins:0: 'null' can never be allowed")
            .And.EndWith(Lines("No comparison: the configurations must both be valid (corskit check lists every problem)."))
            .And.NotContain("Access unchanged").And.NotContain("Access widened").And.NotContain("Access narrowed");
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("""{ "Cors": { "Policies": """)]
    [InlineData("""{ "Other": {} }""")]
    public async Task A_file_that_is_missing_broken_or_without_the_section_exits_1(string content)
    {
        var file = content == "missing" ? Path.Combine(_files.Directory, "missing.json") : _files.Write(content);

        var (exitCode, output) = await Cli.RunAsync("diff", _files.Write(Web), file);

        exitCode.Should().Be(1);
        output.Should().Contain($"error: {file}").And.Contain("No comparison");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Anything_but_two_files_without_to_is_refused_with_the_syntax(int count)
    {
        var files = Enumerable.Range(0, count).Select(_ => _files.Write(Web));

        var (exitCode, output) = await Cli.RunAsync(["diff", .. files]);

        exitCode.Should().Be(2, "a command line that does not say what to compare is a usage error, not a verdict");
        output.Should().Contain("corskit diff takes two files (corskit diff OLD NEW), or the old configuration's files then --to and the new one's (corskit diff OLD... --to NEW...).");
    }

    [Fact]
    public async Task Layered_configurations_are_compared_and_show_the_list_entry_an_environment_file_leaves_in_force()
    {
        // The deployed configuration is appsettings.json alone; the new one adds an environment
        // file whose one-entry list overrides only the first of the two entries.
        var appsettings = _files.Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "http://localhost:5173", "https://staging.example.com" ] } } } }""");
        var production = _files.Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", appsettings, "--to", appsettings, production);

        exitCode.Should().Be(3);
        output.Should().Be(Lines([
            .. Loaded("Old", appsettings, "Cors:Policies:web:Origins:0: http://localhost:5173", "Cors:Policies:web:Origins:1: https://staging.example.com"),
            $"New configuration: {appsettings}, then {production} (each file overrides the ones before it key by key, and lists entry by entry by index, "
                + "as the app layers appsettings.json and appsettings.{Environment}.json).",
            "Effective origins:",
            $"  Cors:Policies:web:Origins:0: https://app.example.com (from {production})",
            $"  Cors:Policies:web:Origins:1: https://staging.example.com (from {appsettings})",
            "widened: Cors:Policies:web:Origins: added 'https://app.example.com'.",
            "narrowed: Cors:Policies:web:Origins: removed 'http://localhost:5173'.",
            "Access widened: 1 change(s) widened it, 1 narrowed it.",
        ]));
    }

    [Fact]
    public async Task Several_old_files_go_before_to()
    {
        var appsettings = _files.Write(Web);
        var production = _files.Write("""{ "Cors": { "Policies": { "web": { "Methods": [ "PATCH" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", appsettings, production, "--to", appsettings);

        exitCode.Should().Be(3);
        output.Should().StartWith($"Old configuration: {appsettings}, then {production} (")
            .And.EndWith(Lines(
                "widened: Cors:Policies:web:Methods: added 'PUT'.",
                "narrowed: Cors:Policies:web:Methods: removed 'PATCH'.",
                "Access widened: 1 change(s) widened it, 1 narrowed it."));
    }

    [Fact]
    public async Task Another_section_is_compared_under_its_own_key_paths()
    {
        var before = _files.Write("""{ "Security": { "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } } }""");
        var after = _files.Write("""{ "Security": { "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ], "AllowPrivateNetwork": true } } } } }""");

        var (exitCode, output) = await Cli.RunAsync("diff", before, after, "--section", "Security:Cors");

        exitCode.Should().Be(3);
        output.Should().Contain("widened: Security:Cors:Policies:web:AllowPrivateNetwork: false -> true.");
    }

    [Fact]
    public async Task The_samples_policy_against_a_widened_copy_exits_3_naming_each_widening()
    {
        var sample = await File.ReadAllTextAsync(SampleFile);
        var widened = sample
            .Replace("\"DefaultPolicy\": \"app\",", "\"DefaultPolicy\": \"app\", \"BlockCrossOriginUnsafeRequests\": false,", StringComparison.Ordinal)
            .Replace("\"https://admin.my-frontend.com\" ]", "\"https://admin.my-frontend.com\", \"https://*.my-frontend.com\" ]", StringComparison.Ordinal)
            .Replace("\"Methods\": [ \"PUT\", \"DELETE\" ]", "\"Methods\": [ \"PUT\", \"DELETE\", \"PATCH\" ], \"ExposedHeaders\": [ \"X-Request-Id\" ]", StringComparison.Ordinal)
            .Replace("\"Origins\": [ \"*\" ],\n        \"MaxAgeSeconds\": 600", "\"Origins\": [ \"*\" ],\n        \"MaxAgeSeconds\": 3600", StringComparison.Ordinal);
        var copy = _files.Write(widened);

        var (exitCode, output) = await Cli.RunAsync("diff", SampleFile, copy);

        exitCode.Should().Be(3, output);
        string[] sampleOrigins = ["Cors:Policies:app:Origins:0: https://my-frontend.com", "Cors:Policies:app:Origins:1: https://admin.my-frontend.com"];
        output.Should().Be(Lines([
            .. Loaded("Old", SampleFile, [.. sampleOrigins, "Cors:Policies:public:Origins:0: *", "Cors:Policies:tenants:Origins:0: https://admin.my-frontend.com"]),
            .. Loaded("New", copy, [
                .. sampleOrigins, "Cors:Policies:app:Origins:2: https://*.my-frontend.com", "Cors:Policies:public:Origins:0: *",
                "Cors:Policies:tenants:Origins:0: https://admin.my-frontend.com", "Cors:Policies:tenants:Origins:1: https://*.my-frontend.com"]),
            "widened: Cors:Policies:app:Origins: added 'https://*.my-frontend.com'.",
            "widened: Cors:Policies:app:Methods: added 'PATCH'.",
            "widened: Cors:Policies:app:ExposedHeaders: added 'X-Request-Id'.",
            "same access: Cors:Policies:public:MaxAgeSeconds: 600 -> 3600 (how long browsers may cache a preflight answer, not what it allows).",
            "widened: Cors:Policies:tenants:Origins: added 'https://*.my-frontend.com'.",
            "widened: Cors:CrossOriginGuard: Enforce -> Off (the CSRF guard).",
            "Access widened: 5 change(s) widened it, 1 left it the same.",
        ]));
    }
}
