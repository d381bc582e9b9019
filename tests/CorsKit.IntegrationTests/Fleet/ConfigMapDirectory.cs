using System.Diagnostics;
using System.Globalization;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>
/// A directory laid out as the kubelet mounts a ConfigMap, holding one file, appsettings.json:
/// <c>..&lt;timestamp&gt;/appsettings.json</c> (the real file), <c>..data -&gt; ..&lt;timestamp&gt;</c>
/// and <c>appsettings.json -&gt; ..data/appsettings.json</c> (symbolic links). <see cref="Swap"/>
/// updates it as the kubelet's atomic writer does: a new timestamped directory, a
/// <c>..data_tmp</c> link to it renamed over <c>..data</c> (rename(2), atomic), then the old
/// directory deleted. Disposing deletes the whole directory.
/// </summary>
internal sealed class ConfigMapDirectory : IDisposable
{
    public const string FileName = "appsettings.json";

    private string _current;
    private int _version;

    public ConfigMapDirectory(string json)
    {
        Path = Directory.CreateTempSubdirectory("corskit-configmap-").FullName;
        _current = WriteVersion(json);
        File.CreateSymbolicLink(System.IO.Path.Combine(Path, "..data"), _current);
        File.CreateSymbolicLink(System.IO.Path.Combine(Path, FileName), System.IO.Path.Combine("..data", FileName));
    }

    /// <summary>The mounted directory, the one an app reads <c>appsettings.json</c> from.</summary>
    public string Path { get; }

    /// <summary>Replaces the file's content with <paramref name="json"/> the way the kubelet does.</summary>
    public void Swap(string json)
    {
        var next = WriteVersion(json);
        var temporaryLink = System.IO.Path.Combine(Path, "..data_tmp");
        File.CreateSymbolicLink(temporaryLink, next);
        Rename(temporaryLink, System.IO.Path.Combine(Path, "..data"));
        Directory.Delete(System.IO.Path.Combine(Path, _current), recursive: true);
        _current = next;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>Writes <paramref name="json"/> into a new <c>..&lt;timestamp&gt;</c> directory and returns that directory's name.</summary>
    private string WriteVersion(string json)
    {
        // The kubelet's names: ..2006_01_02_15_04_05.<random>; the counter keeps them unique here.
        var name = $"..{DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture)}.{++_version:D4}";
        var directory = Directory.CreateDirectory(System.IO.Path.Combine(Path, name));
        File.WriteAllText(System.IO.Path.Combine(directory.FullName, FileName), json);
        return name;
    }

    /// <summary>
    /// rename(2) of a symbolic link over another, through mv -T: File.Move refuses a link to a
    /// directory (it sees a directory, not a file).
    /// </summary>
    private static void Rename(string source, string destination)
    {
        var start = new ProcessStartInfo("mv") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-T", source, destination })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mv");
        try
        {
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"mv -T {source} {destination} did not finish within 10 s");
            }

            if (process.ExitCode != 0)
            {
                throw new IOException($"mv -T {source} {destination} failed ({process.ExitCode}): {process.StandardError.ReadToEnd()}");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
