using System.Collections.Concurrent;
using Switchyard.Configuration;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Telemetry;

/// <summary>Backpressure for telemetry ingest: when one component (source + component) emits more than
/// <see cref="ServerOptions.TelemetryFloodThreshold"/> debug events within a second, only one in
/// <see cref="ServerOptions.TelemetryFloodSampleOneIn"/> of its further debug events that second is kept. Info, warn and
/// error events are never sampled: a flood must not hide the failure that caused it.</summary>
public sealed class TelemetrySampler(ServerOptions options, TimeProvider time)
{
    private const int MaxTrackedComponents = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _sampledOut;

    /// <summary>Debug events dropped by sampling since the server started.</summary>
    public long SampledOut => Interlocked.Read(ref _sampledOut);

    /// <summary>True when the event is to be stored; false when sampling drops it.</summary>
    public bool Keep(TelemetryRecord e)
    {
        var threshold = options.TelemetryFloodThreshold;
        if (e.Level != TelemetryLevel.Debug || threshold <= 0) return true;
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (_windows.Count > MaxTrackedComponents) Forget(second);
        var window = _windows.GetOrAdd(e.Source + "\n" + e.Component, _ => new Window());
        bool keep;
        lock (window)
        {
            if (window.Second != second)
            {
                window.Second = second;
                window.Debug = 0;
            }
            var n = ++window.Debug;
            // The first event past the threshold is kept, then every Nth, so a sampled flood stays visible.
            keep = n <= threshold || (n - threshold - 1) % Math.Max(1, options.TelemetryFloodSampleOneIn) == 0;
        }
        if (!keep) Interlocked.Increment(ref _sampledOut);
        return keep;
    }

    private void Forget(long second)
    {
        foreach (var (key, window) in _windows)
            if (window.Second < second - 1) _windows.TryRemove(key, out _);
    }

    private sealed class Window
    {
        public long Second;
        public int Debug;
    }
}
