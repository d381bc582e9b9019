using CorsKit.Policies;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// The layers of the bound sections at one moment: for each configuration provider behind a
/// section (appsettings.json, appsettings.Production.json, environment variables, a remote
/// store…), whether it supplies keys under the section, and if not, why. A reload that loses a
/// layer which supplied keys at the last good load is refused (<see cref="ReportLost"/>):
/// the configuration system turns a reloadable file that was deleted, or that no longer parses,
/// into an empty layer, and the layers left (a permissive appsettings.json) would decide alone.
/// </summary>
/// <remarks>
/// <para>
/// A provider "supplies keys under the section" when it has the section's key itself (a JSON
/// <c>"Cors": {}</c> is kept as the key <c>Cors</c> with no value) or any key below it:
/// <see cref="IConfigurationProvider.TryGet"/> on the section's path, then
/// <see cref="IConfigurationProvider.GetChildKeys"/>. So a file that keeps <c>"Cors": {}</c>
/// still supplies the section, and drops its CorsKit settings on purpose.
/// </para>
/// <para>
/// The providers are seen through the section's <see cref="CorsConfigurationSection.Root"/>;
/// a section whose root cannot be seen adds no layer, and only the rule on the whole section
/// applies to it (<see cref="ConfigurationLoader"/>). A provider that chains another
/// configuration (<c>AddConfiguration</c>) is one layer.
/// </para>
/// </remarks>
internal sealed class ConfigurationLayers
{
    private readonly Dictionary<(IConfigurationProvider Provider, CorsConfigurationSection Section), Supply> _layers;

    private ConfigurationLayers(Dictionary<(IConfigurationProvider, CorsConfigurationSection), Supply> layers) => _layers = layers;

    /// <summary>What a layer supplies under a section, or why it supplies nothing.</summary>
    private enum Supply : byte
    {
        Keys,
        Nothing,
        FileMissing,
        FileWithoutKeys,
        FileWithoutSection,
    }

    /// <summary>Sees the layers now. Reads the providers' data and, for a file that supplies nothing, whether it exists.</summary>
    public static ConfigurationLayers Capture(IReadOnlyList<CorsConfigurationSection> sections)
    {
        var layers = new Dictionary<(IConfigurationProvider, CorsConfigurationSection), Supply>();
        foreach (var section in sections)
        {
            foreach (var provider in section.Root?.Providers ?? [])
            {
                layers[(provider, section)] = Supplies(provider, section.KeyPath) ? Supply.Keys : WhyNothing(provider);
            }
        }

        return new ConfigurationLayers(layers);
    }

    /// <summary>
    /// Reports, as errors, every layer that supplied keys under its section in
    /// <paramref name="inForce"/> (the last good load) and supplies none <paramref name="now"/>.
    /// A layer that supplied nothing then, or a new one, is no concern of this rule.
    /// </summary>
    public static void ReportLost(ConfigurationLayers inForce, ConfigurationLayers now, ConfigurationIssues issues)
    {
        foreach (var (layer, supply) in inForce._layers)
        {
            // A provider no longer among the configuration's providers supplies nothing.
            var supplyNow = now._layers.GetValueOrDefault(layer, Supply.Nothing);
            if (supply == Supply.Keys && supplyNow != Supply.Keys)
            {
                issues.Error(layer.Section.Path, Describe(layer.Provider, layer.Section, supplyNow));
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="reload"/> when a reloadable file behind the sections no longer
    /// parses. The configuration system raises no change then: it empties the file's layer and
    /// throws, on the file watcher's thread, an exception nobody observes, so without this the
    /// refusal would wait for the next change of any source. It hooks the configuration system's
    /// own extension point (<see cref="FileConfigurationSource.OnLoadException"/>): the handler
    /// set before is called first and decides alone whether the exception is ignored (an ignored
    /// one raises the change itself). Disposing the result puts the handlers back.
    /// </summary>
    public static List<IDisposable> OnUnparsableFile(IReadOnlyList<CorsConfigurationSection> sections, Action reload)
    {
        var files = sections.SelectMany(s => s.Root?.Providers ?? []).OfType<FileConfigurationProvider>()
            .Where(f => f.Source.ReloadOnChange).Distinct();
        var hooks = new List<IDisposable>();
        foreach (var file in files)
        {
            var source = file.Source;
            var previous = source.OnLoadException;
            Action<FileLoadExceptionContext> handler = context =>
            {
                previous?.Invoke(context);
                if (!context.Ignore)
                {
                    reload();
                }
            };
            source.OnLoadException = handler;
            hooks.Add(new Unhook(source, handler, previous));
        }

        return hooks;
    }

    private static bool Supplies(IConfigurationProvider provider, string? keyPath) =>
        keyPath is null
            ? provider.GetChildKeys([], parentPath: null).Any()
            : provider.TryGet(keyPath, out _) || provider.GetChildKeys([], keyPath).Any();

    private static Supply WhyNothing(IConfigurationProvider provider) => provider switch
    {
        FileConfigurationProvider { Source: { FileProvider: { } files, Path: { } path } } when !files.GetFileInfo(path).Exists => Supply.FileMissing,
        FileConfigurationProvider { Source.FileProvider: not null } when !Supplies(provider, keyPath: null) => Supply.FileWithoutKeys,
        FileConfigurationProvider { Source.FileProvider: not null } => Supply.FileWithoutSection,
        _ => Supply.Nothing,
    };

    private static string Describe(IConfigurationProvider provider, CorsConfigurationSection section, Supply supply)
    {
        const string Why = "Without it the other configuration sources would decide alone, which can widen access (a development origin, the CSRF guard off). ";
        var file = (provider as FileConfigurationProvider)?.Source.Path;
        return supply switch
        {
            Supply.FileMissing => $"was supplied in part by the file '{file}', which is now missing (deleted or renamed). {Why}"
                + "Restore the file, or restart the app to run without it.",
            Supply.FileWithoutKeys => $"was supplied in part by the file '{file}', which no longer supplies any setting: it could not be parsed "
                + $"(the configuration system then drops its settings without an error anyone sees) or it was emptied. {Why}"
                + "Restore the file, or restart the app to run without it.",
            Supply.FileWithoutSection => $"was supplied in part by the file '{file}', which no longer has this section. {Why}"
                + $"Restore the section; to drop the file's CorsKit settings on purpose, keep \"{section.Key}\": {{}} in it, or restart the app to run without them.",
            _ => $"was supplied in part by the configuration provider '{provider}', which now supplies nothing under it (a remote store that lost its connection reloads empty). {Why}"
                + "Restore its data, or restart the app to run without it.",
        };
    }

    private sealed class Unhook(FileConfigurationSource source, Action<FileLoadExceptionContext> handler, Action<FileLoadExceptionContext>? previous) : IDisposable
    {
        public void Dispose()
        {
            if (source.OnLoadException == handler)
            {
                source.OnLoadException = previous;
            }
        }
    }
}

/// <summary>What the layer rule of a load needs: the layers at the last good load (null at startup), and how to see them now.</summary>
internal sealed record LayerCheck(ConfigurationLayers? InForce, Func<ConfigurationLayers> Capture);
