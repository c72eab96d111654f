using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Diagnostics;

/// <summary>Carries a run's trace into the events its steps send (<c>step.sendEvent</c> in JS,
/// <c>SendEventAsync</c> in C#), so the runs those events trigger join the sender's trace.</summary>
/// <remarks>The SDKs send these events over the plain event API, and the Inngest JS SDK sends no <c>traceparent</c>
/// with them, so at ingest the server cannot tell who sent them: each event starts a trace of its own. The link is
/// only known when the sending step's result — its memoized <c>{"ids":[…]}</c> — comes back. At that point this
/// listener gives each sent event a span under the sending run and moves the runs it already triggered under that
/// span: their stored context is replaced, so every call and step they make from then on is in the sender's
/// trace.</remarks>
public sealed class SentEventTraces : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (entry.Kind != HistoryKind.StepCompleted || !TraceContexts.Enabled || SentIds(entry.Detail) is not { } ids) return;
        var sender = TraceContexts.Load(tx, "run:" + run.Id);
        if (sender == default) return;
        foreach (var id in ids)
        {
            var before = TraceContexts.Load(tx, "event:" + id);
            // Already in the sender's trace (the SDK sent a traceparent with the event, or this ran before).
            if (before != default && before.TraceId == sender.TraceId) continue;
            using var eventSpan = SwitchyardDiagnostics.Source.StartActivity("event sent", ActivityKind.Producer, sender);
            if (eventSpan is null) return;
            eventSpan.SetTag("switchyard.event.id", id).SetTag("switchyard.sender.run.id", run.Id).SetTag("switchyard.step.name", entry.StepName);
            if (before != default) eventSpan.AddLink(new ActivityLink(before));
            TraceContexts.Save(tx, "event:" + id, eventSpan.Context);
            foreach (var child in TraceContexts.RunsOfEvent(tx, id))
            {
                if (tx.GetRun(child) is not { } childRun) continue;
                var old = TraceContexts.Load(tx, "run:" + child);
                using var runSpan = SwitchyardDiagnostics.Source.StartActivity($"run {childRun.FunctionId}", ActivityKind.Internal, eventSpan.Context);
                if (runSpan is null) continue;
                runSpan.SetTag("switchyard.run.id", child).SetTag("switchyard.function.id", childRun.FunctionId).SetTag("switchyard.event.id", id);
                if (old != default) runSpan.AddLink(new ActivityLink(old));
                TraceContexts.Save(tx, "run:" + child, runSpan.Context);
            }
        }
    }

    /// <summary>The event ids of a step result shaped like a sent-events result (<c>{"ids":["…"]}</c>), else null.</summary>
    private static IReadOnlyList<string>? SentIds(string? detail)
    {
        if (detail is null || !detail.StartsWith("{\"ids\":[", StringComparison.Ordinal)) return null;
        try
        {
            return JsonNode.Parse(detail) is JsonObject { Count: 1 } o && o["ids"] is JsonArray a && a.All(n => n is JsonValue v && v.TryGetValue<string>(out _))
                ? a.Select(n => n!.GetValue<string>()).ToArray()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
