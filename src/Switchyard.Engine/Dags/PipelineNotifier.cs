using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Parsing;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Dags;

/// <summary>Tells a pipeline's <c>notify</c> channel how each run ended: when a DAG run of a pipeline with
/// <c>notify</c> completes, fails or is cancelled, it raises <c>gateway/notify.requested</c> in the same transaction
/// (kind <c>progress</c>, or <c>alert</c> for a failure), addressed to that gateway channel, with a summary of the
/// nodes' outputs or the failing node's error. The event id is the run's, so a notification is requested once.</summary>
public sealed class PipelineNotifier(PipelineCatalog catalog) : IRunListener
{
    /// <summary>The gateway's notification event.</summary>
    public const string NotifyEvent = "gateway/notify.requested";

    /// <summary><c>notify</c> value that leaves routing to the gateway's table (by kind) instead of one channel.</summary>
    public const string RoutedByKind = "*";

    private const int MaxOutputChars = 80;
    private const int MaxNodes = 10;

    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        if (run.FunctionId != DagRuntime.FunctionId || entry.Kind is not (HistoryKind.RunCompleted or HistoryKind.RunFailed or HistoryKind.RunCancelled)) return;
        var trigger = tx.EventBySeq(run.EventSeq);
        var name = trigger is null ? null : (JsonLimits.ParseStored(trigger.Body) as JsonObject)?["data"]?["pipeline"]?.GetValue<string>();
        if (name is null || catalog.Find(name) is not { Notify: { } channel }) return;
        var failed = entry.Kind != HistoryKind.RunCompleted;
        var data = new JsonObject
        {
            ["kind"] = failed ? "alert" : "progress",
            ["text"] = Summary(name, run, entry),
            ["correlationId"] = "pipeline:" + run.Id,
        };
        if (channel != RoutedByKind) data["replyTo"] = new JsonObject { ["channel"] = channel };
        tx.Raise(new IncomingEvent(NotifyEvent, data, "pipeline-notify:" + run.Id, null, null, null));
    }

    private static string Summary(string pipeline, RunRecord run, HistoryEntry entry)
    {
        var took = run.StartedAt is { } s ? string.Create(CultureInfo.InvariantCulture, $" in {(entry.At - s) / 1000.0:0.##} s") : "";
        var text = new StringBuilder();
        switch (entry.Kind)
        {
            case HistoryKind.RunCompleted:
                text.Append(CultureInfo.InvariantCulture, $"pipeline {pipeline} completed{took} (run {run.Id})");
                if ((JsonLimits.ParseStored(run.Output) as JsonObject)?["nodes"] is JsonObject nodes)
                    foreach (var (node, output) in nodes.Take(MaxNodes))
                        text.Append(CultureInfo.InvariantCulture, $"\n• {node}: {Clip(output)}");
                break;
            default:
                var error = JsonLimits.ParseStored(entry.Detail) as JsonObject;
                var message = error?["message"]?.ToString() ?? error?["error"]?["message"]?.ToString() ?? entry.Detail ?? "";
                text.Append(CultureInfo.InvariantCulture, $"pipeline {pipeline} {(entry.Kind == HistoryKind.RunFailed ? "failed" : "was cancelled")}{took} (run {run.Id}): {message}");
                break;
        }
        return text.ToString();

    }

    private static string Clip(JsonNode? output)
    {
        var text = output switch { null => "(no output)", JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(), _ => output.ToJsonString() };
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxOutputChars ? text : text[..(MaxOutputChars - 1)] + "…";
    }

}
