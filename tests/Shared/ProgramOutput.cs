using System.Collections.Concurrent;
using System.Diagnostics;

namespace CorsKit.Testing;

/// <summary>
/// Drains a started program's output (so that it never blocks on a full pipe), keeps its last
/// lines for failure messages, and can wait for the line that says it is ready.
/// </summary>
public sealed class ProgramOutput
{
    private const int Kept = 200;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _awaited = new();

    public ProgramOutput(Process process)
    {
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string ToString() => string.Join('\n', _lines);

    /// <summary>
    /// The rest of the first line that starts with <paramref name="prefix"/>; throws if the
    /// program exits or <paramref name="within"/> passes first.
    /// </summary>
    public async Task<string> LineAfterAsync(string prefix, TimeSpan within)
    {
        var line = _awaited.GetOrAdd(prefix, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        foreach (var kept in _lines)
        {
            if (kept.StartsWith(prefix, StringComparison.Ordinal))
            {
                return kept[prefix.Length..];
            }
        }

        var first = await Task.WhenAny(line, _exited.Task, Task.Delay(within));
        return first == line
            ? await line
            : throw new InvalidOperationException($"no line starting with \"{prefix}\" {(first == _exited.Task ? "before the program exited" : $"within {within.TotalSeconds} s")}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        // Kept first, then matched: a wait that starts in between finds it among the kept lines.
        _lines.Enqueue(line);
        foreach (var (prefix, awaited) in _awaited)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                awaited.TrySetResult(line[prefix.Length..]);
            }
        }

        while (_lines.Count > Kept)
        {
            _lines.TryDequeue(out _);
        }
    }
}
