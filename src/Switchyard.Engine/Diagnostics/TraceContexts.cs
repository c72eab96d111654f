using System.Diagnostics;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Diagnostics;

/// <summary>Keeps the W3C trace context of events and runs in the store (kv, 7 days), so spans made later — a call
/// hours after the event, after a restart — join the same trace with the right parent. Nothing is written when no
/// one listens to the spans, so tracing costs nothing when it is off.</summary>
public static class TraceContexts
{
    private const string Namespace = "trace";
    private static readonly TimeSpan Keep = TimeSpan.FromDays(7);

    /// <summary>True when spans are being collected.</summary>
    public static bool Enabled => SwitchyardDiagnostics.Source.HasListeners();

    /// <summary>Remembers <paramref name="context"/> under <paramref name="key"/> (e.g. <c>event:ID</c>, <c>run:ID</c>).</summary>
    public static void Save(IStoreTransaction tx, string key, ActivityContext context)
    {
        if (context == default) return;
        tx.KvPut(Namespace, key, Format(context), tx.Now + (long)Keep.TotalMilliseconds);
    }

    /// <summary>The context stored under <paramref name="key"/>, or default.</summary>
    public static ActivityContext Load(IStoreTransaction tx, string key) => Parse(tx.KvGet(Namespace, key));

    /// <summary>Notes that <paramref name="runId"/> was triggered by <paramref name="eventId"/>, so the run can join the
    /// sender's trace when the event turns out to have been sent by a step (see <see cref="SentEventTraces"/>).</summary>
    public static void AddRunOfEvent(IStoreTransaction tx, string eventId, string runId)
    {
        var key = "runs-of:" + eventId;
        var existing = tx.KvGet(Namespace, key);
        tx.KvPut(Namespace, key, existing is null ? runId : existing + " " + runId, tx.Now + (long)Keep.TotalMilliseconds);
    }

    /// <summary>The runs noted with <see cref="AddRunOfEvent"/> for <paramref name="eventId"/>.</summary>
    public static IReadOnlyList<string> RunsOfEvent(IStoreTransaction tx, string eventId) =>
        tx.KvGet(Namespace, "runs-of:" + eventId)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>W3C <c>traceparent</c> text of a context.</summary>
    public static string Format(ActivityContext c) => $"00-{c.TraceId.ToHexString()}-{c.SpanId.ToHexString()}-{((c.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>Parses a <c>traceparent</c>; default when absent or malformed.</summary>
    public static ActivityContext Parse(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, out var context) ? context : default;
}
