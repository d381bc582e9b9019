using CorsKit.Origins;

namespace CorsKit.Cli.Tests;

public sealed class CheckCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string json) => _files.Write(json);

    [Fact]
    public async Task A_valid_configuration_passes_with_its_warnings_listed()
    {
        var file = Write("""
            {
              // comments are allowed, as in appsettings.json
              "Cors": { "DefaultPolicy": "web", "Policies": { "web": {
                "Origins": [ "https://app.example.com" ], "Methods": [ "GET", "PUT" ], "MaxAgeSeconds": 600 } } }
            }
            """);

        var (exitCode, output) = await Cli.RunAsync("check", file);

        exitCode.Should().Be(0);
        output.Should().Contain("warning: Cors:Policies:web:Methods:0: 'GET' is CORS-safelisted").And.Contain("valid (1 warning(s))");
    }

    [Fact]
    public async Task Every_error_is_listed_with_its_key_path_and_the_exit_code_is_1()
    {
        var file = Write("""
            { "Cors": { "DefaultPolicy": "nope", "Policies": { "web": {
                "Origins": [ "https://App.example.com/", "null" ], "AllowCredential": true } } } }
            """);

        var (exitCode, output) = await Cli.RunAsync("check", file);

        exitCode.Should().Be(1);
        output.Should().Contain("error: Cors:Policies:web:AllowCredential: 'AllowCredential' is not a CorsKit setting; did you mean 'AllowCredentials'?")
            .And.Contain("error: Cors:Policies:web:Origins:0: 'https://App.example.com/' is not a browser-canonical origin")
            .And.Contain("did you mean 'https://app.example.com'?")
            .And.Contain("error: Cors:Policies:web:Origins:1: 'null' can never be allowed")
            .And.Contain("error: Cors:DefaultPolicy: names the policy 'nope'")
            .And.Contain("4 error(s), 0 warning(s). The app would refuse to start");
    }

    [Fact]
    public async Task A_default_policy_written_as_a_list_fails_with_what_to_write()
    {
        var file = Write("""{ "Cors": { "DefaultPolicy": [ "web" ], "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("check", file);

        exitCode.Should().Be(1);
        output.Should().Contain("error: Cors:DefaultPolicy: must be one policy name, not a list: write \"DefaultPolicy\": \"web\".")
            .And.Contain("1 error(s), 0 warning(s). The app would refuse to start");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_hides_no_other_error()
    {
        var file = Write("""
            { "Cors": { "DefaultPolicy": "nope", "Policies": {
                "web": { "Origins": [ "https://app.example.com" ], "AllowCredentials": "yes" },
                "api": { "Origins": [ "null" ] } } } }
            """);

        var (exitCode, output) = await Cli.RunAsync("check", file);

        exitCode.Should().Be(1);
        output.Should().Contain("error: Cors:Policies:web:AllowCredentials: 'yes' is not a boolean: write true or false.")
            .And.Contain("error: Cors:Policies:api:Origins:0: 'null' can never be allowed")
            .And.Contain("error: Cors:DefaultPolicy: names the policy 'nope'")
            .And.Contain("3 error(s), 0 warning(s).");
    }

    [Fact]
    public async Task Another_section_can_be_checked_and_paths_name_it()
    {
        var file = Write("""{ "Security": { "Cors": { "Policies": { "web": { "Origins": [ "*" ], "AllowCredentials": true } } } } }""");

        var (exitCode, output) = await Cli.RunAsync("check", file, "--section", "Security:Cors");

        exitCode.Should().Be(1);
        output.Should().Contain("error: Security:Cors:Policies:web:Origins:0: '*' cannot be combined with AllowCredentials");
    }

    [Theory]
    [InlineData("""{ "Other": {} }""", "there is no 'Cors' section")]
    [InlineData("""{ "Cors": { "Policies": """, "error:")]
    public async Task A_file_without_the_section_or_with_broken_JSON_is_an_error(string json, string message)
    {
        var (exitCode, output) = await Cli.RunAsync("check", Write(json));

        exitCode.Should().Be(1);
        output.Should().Contain(message);
    }

    [Fact]
    public async Task A_missing_file_is_an_error() =>
        (await Cli.RunAsync("check", Path.Combine(_files.Directory, "missing.json"))).Should().Be((1, $"error: {Path.Combine(_files.Directory, "missing.json")}: no such file.{Environment.NewLine}"));

    private const string ValidConfiguration = """{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""";

    private static readonly DateOnly ListDate = PublicSuffixListSnapshot.Current.Date;

    private static readonly string ListLine =
        $"Public Suffix List: embedded snapshot of {ListDate:yyyy-MM-dd} (Debian publicsuffix {PublicSuffixListSnapshot.Current.DebianVersion}).";

    [Fact]
    public async Task The_embedded_Public_Suffix_List_is_named_with_its_date_and_not_warned_about_up_to_180_days_old()
    {
        var file = Write(ValidConfiguration);

        var (exitCode, output) = await Cli.RunAsync(Cli.NoonUtcOn(ListDate.AddDays(180)), "check", file);

        exitCode.Should().Be(0);
        output.Should().Be(string.Join(Environment.NewLine,
            $"Configuration: {file}.",
            ListLine,
            "Effective origins:",
            "  Cors:Policies:web:Origins:0: https://app.example.com",
            $"{file}: valid (0 warning(s)). Policy names used by endpoints are checked when the app starts.",
            ""));
    }

    [Fact]
    public async Task A_Public_Suffix_List_more_than_180_days_old_is_warned_about_with_the_way_to_refresh_it()
    {
        var file = Write(ValidConfiguration);

        var (exitCode, output) = await Cli.RunAsync(Cli.NoonUtcOn(ListDate.AddDays(181)), "check", file);

        exitCode.Should().Be(0);
        output.Should().Be(string.Join(Environment.NewLine,
            $"Configuration: {file}.",
            ListLine,
            $"warning: Cors: the embedded Public Suffix List is 181 days old ({ListDate:yyyy-MM-dd}), so wildcards directly under suffixes added since then are not refused. "
                + "Update the CorsKit package (a CorsKit built from its source: run its refresh-public-suffix-list.sh and rebuild).",
            "Effective origins:",
            "  Cors:Policies:web:Origins:0: https://app.example.com",
            $"{file}: valid (1 warning(s)). Policy names used by endpoints are checked when the app starts.",
            ""));
    }

    [Fact]
    public async Task An_old_Public_Suffix_List_leaves_the_exit_code_of_an_invalid_configuration_at_1()
    {
        var file = Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "null" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync(Cli.NoonUtcOn(ListDate.AddYears(3)), "check", file);

        exitCode.Should().Be(1);
        output.Should().Contain("warning: Cors: the embedded Public Suffix List is").And.Contain("1 error(s), 1 warning(s).");
    }

    [Fact]
    public async Task Several_files_are_layered_in_order_and_each_effective_origin_names_the_file_it_comes_from()
    {
        // An environment file overrides a two-entry list with a one-entry list: lists merge by
        // index, so the second entry of appsettings.json survives, and the output shows it.
        var appsettings = Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "http://localhost:5173", "https://staging.example.com" ] } } } }""");
        var production = Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("check", appsettings, production);

        exitCode.Should().Be(0);
        output.Should().Be(string.Join(Environment.NewLine,
            $"Configuration: {appsettings}, then {production} (each file overrides the ones before it key by key, and lists entry by entry by index, "
                + "as the app layers appsettings.json and appsettings.{Environment}.json).",
            ListLine,
            "Effective origins:",
            $"  Cors:Policies:web:Origins:0: https://app.example.com (from {production})",
            $"  Cors:Policies:web:Origins:1: https://staging.example.com (from {appsettings})",
            $"{appsettings}, then {production}: valid (0 warning(s)). Policy names used by endpoints are checked when the app starts.",
            ""));
    }

    [Fact]
    public async Task Layered_files_are_validated_as_one_configuration()
    {
        var appsettings = Write("""{ "Cors": { "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }""");
        var production = Write("""{ "Cors": { "Policies": { "web": { "AllowCredentials": true, "Origins": [ "*" ] } } } }""");

        var (exitCode, output) = await Cli.RunAsync("check", appsettings, production);

        exitCode.Should().Be(1);
        output.Should().Contain("error: Cors:Policies:web:Origins:0: '*' cannot be combined with AllowCredentials")
            .And.Contain($"{appsettings}, then {production}: 1 error(s), 0 warning(s).")
            .And.NotContain("Effective origins");
    }

    [Fact]
    public async Task Every_file_that_cannot_be_read_is_named()
    {
        var missing = Path.Combine(_files.Directory, "missing.json");
        var broken = Write("""{ "Cors": { "Policies": """);

        var (exitCode, output) = await Cli.RunAsync("check", Write(ValidConfiguration), missing, broken);

        exitCode.Should().Be(1);
        output.Should().StartWith($"error: {missing}: no such file.{Environment.NewLine}error: {broken}: ");
    }

    [Fact]
    public async Task The_sample_configuration_is_valid()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "../../../../../samples/CorsKit.Samples.Api/appsettings.json");

        var (exitCode, output) = await Cli.RunAsync("check", sample);

        exitCode.Should().Be(0, output);
    }
}
