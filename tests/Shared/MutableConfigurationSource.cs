using System.Text;
using Microsoft.Extensions.Configuration;

namespace CorsKit.Testing;

/// <summary>A configuration source whose content a test replaces, raising a reload as a changed appsettings.json would.</summary>
public sealed class MutableConfigurationSource : IConfigurationSource
{
    private readonly Provider _provider = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

    /// <summary>Replaces the whole configuration with <paramref name="json"/> and signals a reload (synchronously).</summary>
    public void Set(string json) => _provider.Replace(Flatten(json));

    public static Dictionary<string, string?> Flatten(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var root = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var provider = root.Providers.Single();

        // Exactly the JSON provider's keys: values, and empty objects or arrays (null values),
        // but not the section nodes in between.
        return root.AsEnumerable().Where(kv => provider.TryGet(kv.Key, out _))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class Provider : ConfigurationProvider
    {
        public void Replace(Dictionary<string, string?> data)
        {
            Data = data;
            OnReload();
        }
    }
}
