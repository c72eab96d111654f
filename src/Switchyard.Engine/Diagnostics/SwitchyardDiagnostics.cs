using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Engine.Diagnostics;

/// <summary>The engine's OpenTelemetry instruments: one <see cref="ActivitySource"/> for spans (event → run → call →
/// step) and one <see cref="Meter"/> for metrics. Exported with OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set,
/// and served at <c>/metrics</c> in Prometheus format.</summary>
public static class SwitchyardDiagnostics
{
    /// <summary>Name of the activity source and meter.</summary>
    public const string Name = "Switchyard";

    /// <summary>Spans.</summary>
    public static readonly ActivitySource Source = new(Name, "0.1.0");

    /// <summary>Metrics.</summary>
    public static readonly Meter Meter = new(Name, "0.1.0");

    /// <summary>Events accepted (stored or deduplicated), by source.</summary>
    public static readonly Counter<long> EventsIn = Meter.CreateCounter<long>("switchyard.events.in", "{event}", "Events accepted by the bus");

    /// <summary>Runs that reached a terminal state, by status and function.</summary>
    public static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>("switchyard.runs.finished", "{run}", "Runs that completed, failed or were cancelled");

    /// <summary>Runs started, by function.</summary>
    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("switchyard.runs.started", "{run}", "Runs created");

    /// <summary>Duration of steps as the SDK reported them.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("switchyard.step.duration", "ms", "Duration of steps");

    /// <summary>Duration of calls to apps.</summary>
    public static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>("switchyard.call.duration", "ms", "Duration of calls to apps");

    /// <summary>How late a queue item ran compared to its due time.</summary>
    public static readonly Histogram<double> QueueLag = Meter.CreateHistogram<double>("switchyard.queue.lag", "ms", "Delay between an item's due time and its execution");
}
