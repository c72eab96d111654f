using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Dags;

/// <summary>How the DAG orchestrator names its steps, and how an attempt's recorded value is judged. The orchestrator
/// (a function on the built-in worker) writes them; the server reads them back from run history for
/// <c>yard dag show</c> and the <c>dag.node.*</c> telemetry, so both sides share this one definition.</summary>
public static class DagStepNames
{
    /// <summary>The step whose value is the list of nodes skipped because the DAG failed.</summary>
    public const string Skipped = "dag:skipped";

    /// <summary>Attempt <paramref name="attempt"/> (1-based) of node <paramref name="nodeId"/>: <c>node:ID:N</c>.
    /// With <paramref name="part"/>, a step inside the attempt: <c>node:ID:N:sleep</c>, <c>:send</c>, <c>:wait</c>,
    /// <c>:backoff</c>.</summary>
    public static string Attempt(string nodeId, int attempt, string? part = null) =>
        part is null ? $"node:{nodeId}:{attempt.ToString(CultureInfo.InvariantCulture)}" : $"node:{nodeId}:{attempt.ToString(CultureInfo.InvariantCulture)}:{part}";

    /// <summary>Reads a step name written by <see cref="Attempt"/>; false for any other step.</summary>
    public static bool TryParse(string? stepName, out string nodeId, out int attempt, out string? part)
    {
        nodeId = "";
        attempt = 0;
        part = null;
        if (stepName is null || !stepName.StartsWith("node:", StringComparison.Ordinal)) return false;
        var pieces = stepName.Split(':');
        if (pieces.Length is < 3 or > 4 || pieces[1].Length == 0
            || !int.TryParse(pieces[2], NumberStyles.None, CultureInfo.InvariantCulture, out attempt)) return false;
        nodeId = pieces[1];
        part = pieces.Length == 4 ? pieces[3] : null;
        return true;
    }

    /// <summary>Marks the value of a step the orchestrator ran itself (noop, http, event):
    /// <c>{"dagAttempt": true, "ok": …, "output": …, "error": …}</c>.</summary>
    public const string AttemptMarker = "dagAttempt";

    /// <summary>Set (true) in the value of an attempt that was one step alone (a noop without sleep, an http request),
    /// so that step's timing is the attempt's: its start is the node's start.</summary>
    public const string WholeAttempt = "wholeAttempt";

    /// <summary>Whether an attempt's value is a success: the orchestrator's own attempts carry <c>ok</c>
    /// (<see cref="AttemptMarker"/>); a shell result succeeds with exit code 0 and no timeout; any other value (an
    /// invoked function's result) is a success.</summary>
    public static bool Succeeded(JsonNode? value)
    {
        if (value is not JsonObject o) return true;
        if (o[AttemptMarker] is JsonValue marker && marker.GetValueKind() == JsonValueKind.True)
            return o["ok"] is JsonValue ok && ok.GetValueKind() == JsonValueKind.True;
        if (o["exitCode"] is JsonValue code && code.TryGetValue<int>(out var exit))
            return exit == 0 && o["timedOut"]?.GetValueKind() != JsonValueKind.True;
        return true;
    }

    /// <summary>The output of an attempt's value: the orchestrator's own attempts unwrap to <c>output</c>; a shell
    /// result's output is its stdout; anything else is itself.</summary>
    public static JsonNode? Output(JsonNode? value) => value switch
    {
        JsonObject o when o[AttemptMarker] is JsonValue m && m.GetValueKind() == JsonValueKind.True => o["output"],
        // Like a shell's $(…): one trailing newline is not part of the value.
        JsonObject o when o["exitCode"] is JsonValue && o["stdout"] is JsonValue s && s.GetValueKind() == JsonValueKind.String => JsonValue.Create(TrimNewline(s.GetValue<string>())),
        _ => value,
    };

    private static string TrimNewline(string text) => text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;

    /// <summary>Why an attempt failed, in one line: the orchestrator's error, or a shell node's exit (or timeout) and
    /// the last lines of its stderr.</summary>
    public static string Error(JsonNode? value)
    {
        if (value is not JsonObject o) return "failed";
        if (o["error"] is JsonValue e) return e.ToString();
        if (o["exitCode"] is JsonValue code)
        {
            var tail = o["stderrTail"]?.ToString().TrimEnd() ?? "";
            var lastLines = string.Join(" | ", tail.Split('\n').TakeLast(3));
            var how = o["timedOut"]?.GetValueKind() == JsonValueKind.True ? "timed out; its process group was killed"
                : o["cancelled"]?.GetValueKind() == JsonValueKind.True ? "cancelled; its process group was killed"
                : $"exit code {code}";
            return lastLines.Length == 0 ? how : $"{how}: {lastLines}";
        }
        return "failed";
    }
}
