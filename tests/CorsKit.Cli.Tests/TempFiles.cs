namespace CorsKit.Cli.Tests;

/// <summary>A temporary directory of configuration files, deleted with it.</summary>
internal sealed class TempFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("corskit-cli-").FullName;

    /// <summary>Writes <paramref name="json"/> to a new file and returns its path.</summary>
    public string Write(string json)
    {
        var path = Path.Combine(Directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
