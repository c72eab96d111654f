using System.Globalization;
using System.Text;

namespace Switchyard.Supervisor.Logs;

/// <summary>An append-only log file rotated by size: when a write would take it past <c>maxBytes</c>, <c>FILE</c>
/// becomes <c>FILE.1</c>, <c>FILE.1</c> becomes <c>FILE.2</c> … and the oldest beyond <c>keep</c> is deleted.
/// Thread-safe: a child's stdout pump, the previous child's late output and the supervisor's markers may write at once.</summary>
public sealed class RotatingLogFile : IDisposable
{
    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private readonly int _keep;
    private FileStream? _stream;

    /// <summary>Opens (creating directories as needed) <paramref name="path"/> for appending.</summary>
    public RotatingLogFile(string path, long maxBytes, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        Path = path;
        _maxBytes = maxBytes;
        _keep = keep;
        if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
    }

    /// <summary>The current file.</summary>
    public string Path { get; }

    /// <summary>Appends bytes, rotating first when they would not fit.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            try
            {
                _stream ??= Open();
                if (_stream.Length > 0 && _stream.Length + data.Length > _maxBytes)
                {
                    _stream.Dispose();
                    Rotate();
                    _stream = Open();
                }
                _stream.Write(data);
                _stream.Flush();
            }
            catch (IOException)
            {
                // A full disk or a removed directory must not take supervision down; the next write retries.
                _stream?.Dispose();
                _stream = null;
            }
            catch (UnauthorizedAccessException)
            {
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    /// <summary>Appends one line stamped <c>[supervisor TIME]</c>, to tell the supervisor's notes from the child's output.</summary>
    public void Note(DateTimeOffset at, string text) =>
        Write(Encoding.UTF8.GetBytes($"[supervisor {at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}] {text}\n"));

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private FileStream Open() => new(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    private void Rotate()
    {
        if (_keep == 0)
        {
            File.Delete(Path);
            return;
        }
        File.Delete($"{Path}.{_keep}");
        for (var i = _keep - 1; i >= 1; i--)
            if (File.Exists($"{Path}.{i}")) File.Move($"{Path}.{i}", $"{Path}.{i + 1}");
        File.Move(Path, $"{Path}.1");
    }
}
