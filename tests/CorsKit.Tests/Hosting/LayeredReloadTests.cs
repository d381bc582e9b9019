using System.Net;
using CorsKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static CorsKit.Testing.ResponseContract;

namespace CorsKit.Tests.Hosting;

/// <summary>
/// The recommended layering, on disk: a permissive appsettings.json (the developers' settings)
/// narrowed by appsettings.Production.json, both reloaded on change. A reload that loses the
/// narrowing layer (the file deleted, truncated, or a remote store that reloads empty) must be
/// refused, or the base file alone would decide: the CSRF guard off and a development origin with
/// credentialed reads.
/// </summary>
public class LayeredReloadTests
{
    private const string Production = "https://app.example.com";
    private const string Development = "http://localhost:3000";
    private const string ProductionFile = "appsettings.Production.json";

    private const string BaseJson = """
        { "Cors": { "DefaultPolicy": "web", "CrossOriginGuard": "Off",
          "Policies": { "web": { "Origins": [ "http://localhost:3000" ], "AllowCredentials": true } } } }
        """;

    private const string ProductionJson = """
        { "Cors": { "CrossOriginGuard": "Enforce", "Policies": { "web": { "Origins": [ "https://app.example.com" ] } } } }
        """;

    private const string RestoreAdvice = "Restore the file, or restart the app to run without it.";

    [Fact]
    public async Task A_reload_that_loses_the_production_file_is_refused_naming_it_and_the_last_good_policies_stay()
    {
        await using var app = await FilesApp.StartAsync(BaseJson, ProductionJson);
        await app.AssertProductionPoliciesAsync();

        app.Delete(ProductionFile);

        await app.WaitForDecisionAsync(1, "deleting appsettings.Production.json must be noticed");
        await app.AssertProductionPoliciesAsync();
        app.Widenings.Should().Be(0, "no reload was taken");
        app.LastRefusal.Message.Should().Contain($"Cors: was supplied in part by the file '{ProductionFile}', which is now missing (deleted or renamed)")
            .And.Contain(RestoreAdvice);

        app.Write(ProductionFile, ProductionJson.Replace(Production, "https://new.example.com", StringComparison.Ordinal));
        await app.WaitUntilAllowedAsync("https://new.example.com", "the restored file must be taken as a normal reload");
        (await app.AllowOriginFor(Development)).Should().BeNull();
    }

    [Fact]
    public async Task A_reload_that_truncates_the_production_file_to_invalid_JSON_is_refused_naming_it_and_the_last_good_policies_stay()
    {
        await using var app = await FilesApp.StartAsync(BaseJson, ProductionJson);

        app.Truncate(ProductionFile, """{ "Cors": { "CrossOriginGuard": "Enf""");

        // The configuration system raises no reload for a file it cannot parse (it empties it and
        // the exception goes unobserved); CorsKit hears of it all the same.
        await app.WaitForDecisionAsync(1, "a production file that no longer parses must be noticed (EventId 1001)");
        await app.AssertProductionPoliciesAsync();
        app.LastRefusal.Message.Should().Contain($"Cors: was supplied in part by the file '{ProductionFile}', which no longer supplies any setting: it could not be parsed")
            .And.Contain(RestoreAdvice);

        // While the file stays broken, a valid edit of another layer must not let the base file decide alone.
        var decisions = app.Decisions;
        app.Write("appsettings.json", BaseJson.Replace("\"AllowCredentials\": true", "\"AllowCredentials\": true, \"MaxAgeSeconds\": 60", StringComparison.Ordinal));
        await app.WaitForDecisionAsync(decisions + 1, "a reload of appsettings.json must be noticed");
        await app.AssertProductionPoliciesAsync();
        app.Widenings.Should().Be(0, "no reload was taken");
        app.LastRefusal.Message.Should().Contain($"the file '{ProductionFile}', which no longer supplies any setting");

        app.Write(ProductionFile, ProductionJson.Replace(Production, "https://new.example.com", StringComparison.Ordinal));
        await app.WaitUntilAllowedAsync("https://new.example.com", "a valid production file must restore normal reloads");
        (await app.AllowOriginFor(Development)).Should().BeNull();
    }

    [Fact]
    public async Task A_valid_edit_of_the_production_file_still_applies()
    {
        await using var app = await FilesApp.StartAsync(BaseJson, ProductionJson);

        app.Write(ProductionFile, ProductionJson.Replace(Production, "https://new.example.com", StringComparison.Ordinal));

        await app.WaitUntilAllowedAsync("https://new.example.com", "a valid edit must be taken");
        (await app.AllowOriginFor(Production)).Should().BeNull();
        app.Refusals.Should().Be(0);
    }

    [Fact]
    public async Task A_production_file_that_loses_its_Cors_section_is_refused_and_one_that_keeps_an_empty_Cors_object_drops_its_settings()
    {
        await using var app = await FilesApp.StartAsync(BaseJson, ProductionJson);

        app.Write(ProductionFile, """{ "Logging": { "LogLevel": { "Default": "Warning" } } }""");

        await app.WaitForDecisionAsync(1, "a production file without its Cors section must be noticed");
        await app.AssertProductionPoliciesAsync();
        app.LastRefusal.Message.Should().Contain($"Cors: was supplied in part by the file '{ProductionFile}', which no longer has this section")
            .And.Contain("keep \"Cors\": {} in it");

        // "Cors": {} is the file saying, on purpose, that it no longer sets anything for CorsKit.
        app.Write(ProductionFile, """{ "Cors": {}, "Logging": { "LogLevel": { "Default": "Warning" } } }""");

        await app.WaitUntilAllowedAsync(Development, "an empty Cors object drops the file's CorsKit settings deliberately");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_remote_store_that_reloads_with_no_data_is_refused_naming_it_and_the_last_good_policies_stay(bool bindSectionExplicitly)
    {
        var store = new RemoteStore();
        store.Connect(ProductionJson);
        var builder = TestHost.CreateBuilder(BaseJson, out _);
        ((IConfigurationBuilder)builder.Configuration).Add(store);
        if (bindSectionExplicitly)
        {
            builder.Services.AddStrictCors(builder.Configuration.GetSection("Cors"));
        }
        else
        {
            builder.Services.AddStrictCors();
        }

        await using var app = await FilesApp.StartAsync(builder, directory: null);

        store.LoseConnection();

        await app.AssertProductionPoliciesAsync();
        var refusal = app.Logs.GetSnapshot().Should().ContainSingle(r => IsCorsKit(r, CorsKitEventIds.ReloadRefused), "the store's reload is handled synchronously").Subject;
        refusal.Level.Should().Be(LogLevel.Error);
        refusal.Message.Should().Contain("Cors: was supplied in part by the configuration provider 'RemoteStore', which now supplies nothing under it")
            .And.Contain("or restart the app to run without it.");

        store.Connect(ProductionJson.Replace(Production, "https://new.example.com", StringComparison.Ordinal));

        (await app.AllowOriginFor("https://new.example.com")).Should().Be("https://new.example.com", "the store's data back restores normal reloads");
        app.Refusals.Should().Be(1);
    }

    [Fact]
    public async Task A_section_of_another_configuration_root_keeps_the_whole_section_rule_and_says_at_startup_that_its_layers_are_unseen()
    {
        var store = new RemoteStore();
        store.Connect(ProductionJson);
        var files = new MutableConfigurationSource();
        files.Set(BaseJson);
        var other = new ConfigurationBuilder().Add(files).Add(store).Build();
        var builder = TestHost.CreateBuilder("{}", out _);
        builder.Services.AddStrictCors(other.GetSection("Cors"));

        await using var app = await FilesApp.StartAsync(builder, directory: null);

        var notice = app.Logs.GetSnapshot().Should().ContainSingle(r => IsCorsKit(r, CorsKitEventIds.ConfigurationLayersUnseen)).Subject;
        notice.Level.Should().Be(LogLevel.Information);
        notice.Message.Should().Contain("binds 'Cors', which is not a section of the app's configuration");

        // The documented limit: there, a reload that loses one layer is judged on what remains.
        store.LoseConnection();
        (await app.AllowOriginFor(Development)).Should().Be(Development);

        files.Set("{}");
        app.Logs.GetSnapshot().Should().ContainSingle(r => IsCorsKit(r, CorsKitEventIds.ReloadRefused)).Which.Message.Should().Contain("Cors:Policies: is gone");
        (await app.AllowOriginFor(Development)).Should().Be(Development);
    }

    /// <summary>CorsKit's event <paramref name="id"/> (other components log under the same numbers).</summary>
    private static bool IsCorsKit(FakeLogRecord record, int id) =>
        record.Id.Id == id && record.Category?.StartsWith("CorsKit.", StringComparison.Ordinal) == true;

    /// <summary>A configuration provider fed by a remote store: it reloads with the store's data, or with nothing when the connection is lost.</summary>
    private sealed class RemoteStore : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public void Connect(string json)
        {
            Data = MutableConfigurationSource.Flatten(json);
            OnReload();
        }

        public void LoseConnection()
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            OnReload();
        }
    }

    /// <summary>An app on TestServer whose configuration files live in a temporary folder; GET and POST on "/".</summary>
    private sealed class FilesApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly DirectoryInfo? _directory;

        private FilesApp(WebApplication app, DirectoryInfo? directory)
        {
            _app = app;
            _directory = directory;
            Client = app.GetTestClient();
        }

        public HttpClient Client { get; }

        public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

        public int Refusals => Logs.GetSnapshot().Count(r => IsCorsKit(r, CorsKitEventIds.ReloadRefused));

        /// <summary>Reloads decided since startup: taken (1000, beyond the startup one) or refused (1001).</summary>
        public int Decisions => Logs.GetSnapshot().Count(r => IsCorsKit(r, CorsKitEventIds.PoliciesLoaded) || IsCorsKit(r, CorsKitEventIds.ReloadRefused)) - 1;

        /// <summary>The last refused reload's event, at Error.</summary>
        public FakeLogRecord LastRefusal
        {
            get
            {
                var refusal = Logs.GetSnapshot().LastOrDefault(r => IsCorsKit(r, CorsKitEventIds.ReloadRefused));
                refusal.Should().NotBeNull("the reload must be refused (EventId 1001)");
                refusal!.Level.Should().Be(LogLevel.Error);
                return refusal;
            }
        }

        /// <summary>Audit events (1011) of reloads that widened access; the one at startup compares with nothing and is not counted.</summary>
        public int Widenings => Logs.GetSnapshot().Count(r => IsCorsKit(r, CorsKitEventIds.AccessChanged) && r.Message.Contains("by the reloaded configuration", StringComparison.Ordinal));

        /// <summary>Writes appsettings.json and appsettings.Production.json to a new folder and starts the host's default configuration on it.</summary>
        public static async Task<FilesApp> StartAsync(string baseJson, string productionJson)
        {
            var directory = Directory.CreateTempSubdirectory("corskit-layers-");
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "appsettings.json"), baseJson);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, ProductionFile), productionJson);
            var builder = TestHost.CreateBuilderInFolder(directory.FullName);

            // An optional file that does not exist, at startup or later, blocks no reload.
            builder.Configuration.AddJsonFile("appsettings.Local.json", optional: true, reloadOnChange: true);
            builder.Services.AddStrictCors();
            return await StartAsync(builder, directory);
        }

        public static async Task<FilesApp> StartAsync(WebApplicationBuilder builder, DirectoryInfo? directory)
        {
            var app = builder.Build();
            app.UseStrictCors();
            app.MapMethods("/", ["GET", "POST"], () => "ok");
            await app.StartAsync();
            return new FilesApp(app, directory);
        }

        /// <summary>Replaces a file whole, as a deployment does (written aside, then renamed over it).</summary>
        public void Write(string file, string json)
        {
            var path = Path.Combine(_directory!.FullName, file);
            File.WriteAllText(path + ".new", json);
            File.Move(path + ".new", path, overwrite: true);
        }

        /// <summary>Overwrites a file in place with <paramref name="content"/>: a write cut short, a full disk.</summary>
        public void Truncate(string file, string content) => File.WriteAllText(Path.Combine(_directory!.FullName, file), content);

        public void Delete(string file) => File.Delete(Path.Combine(_directory!.FullName, file));

        public async Task<string?> AllowOriginFor(string origin)
        {
            var response = await Client.SendAsync(Request(HttpMethod.Get, "/", ("Origin", origin)));
            return AccessControlHeaders(response).GetValueOrDefault("Access-Control-Allow-Origin");
        }

        /// <summary>The production layer's policies: its origin with credentials, the development origin nothing, the CSRF guard on.</summary>
        public async Task AssertProductionPoliciesAsync()
        {
            var development = await Client.SendAsync(Request(HttpMethod.Get, "/", ("Origin", Development)));
            AccessControlHeaders(development).Should().BeEmpty("the development origin of appsettings.json gets no access in production");

            var post = await Client.SendAsync(Request(HttpMethod.Post, "/", ("Origin", Development)));
            post.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the CSRF guard the production file turns on stays on");

            var allowed = await Client.SendAsync(Request(HttpMethod.Get, "/", ("Origin", Production)));
            AccessControlHeaders(allowed).Should().BeEquivalentTo(new Dictionary<string, string>
            {
                ["Access-Control-Allow-Origin"] = Production,
                ["Access-Control-Allow-Credentials"] = "true",
            });
        }

        /// <summary>Waits (bounded) until <paramref name="count"/> reloads were decided, taken or refused.</summary>
        public async Task WaitForDecisionAsync(int count, string because) =>
            (await WaitUntil(() => Task.FromResult(Decisions >= count))).Should().BeTrue(because);

        /// <summary>Waits (bounded) until <paramref name="origin"/> is allowed.</summary>
        public async Task WaitUntilAllowedAsync(string origin, string because) =>
            (await WaitUntil(async () => await AllowOriginFor(origin) == origin)).Should().BeTrue(because);

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.DisposeAsync();
            _directory?.Delete(recursive: true);
        }

        private static async Task<bool> WaitUntil(Func<Task<bool>> condition)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!await condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }

                await Task.Delay(50);
            }

            return true;
        }
    }
}
