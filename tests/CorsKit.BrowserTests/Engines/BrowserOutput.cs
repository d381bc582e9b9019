using System.Collections.Concurrent;
using System.Diagnostics;

namespace CorsKit.BrowserTests.Engines;

/// <summary>
/// Drains a started program's output (so that it never blocks on a full pipe) and keeps its last
/// lines, to say why it failed to start.
/// </summary>
internal sealed class BrowserOutput
{
    private const int Kept = 40;
    private readonly ConcurrentQueue<string> _lines = new();

    public BrowserOutput(Process process)
    {
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string ToString() => string.Join('\n', _lines);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > Kept)
        {
            _lines.TryDequeue(out _);
        }
    }
}
