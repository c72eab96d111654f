using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Engine.Lifecycle;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard dev</c>'s console line per run start and finish, so a developer sees runs flow without opening
/// the dashboard (<c>--quiet</c> turns it off). A run listener like the history writer: registered in the dev host
/// only, and it writes once the transition is committed, so a rolled-back transition prints nothing.</summary>
internal sealed class DevRunLog(TextWriter output, bool json) : IRunListener
{
    /// <inheritdoc />
    public void OnTransition(IStoreTransaction tx, RunRecord run, HistoryEntry entry)
    {
        var what = entry.Kind switch
        {
            HistoryKind.RunStarted => "started",
            HistoryKind.RunCompleted => "completed",
            HistoryKind.RunFailed => "failed",
            HistoryKind.RunCancelled => "cancelled",
            _ => null,
        };
        if (what is null) return;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(entry.At);
        // Piped output is read by machines (the start envelope is JSON there too): one JSON object per line.
        var line = json
            ? new JsonObject { ["run"] = new JsonObject { ["id"] = run.Id, ["function"] = run.FunctionId, ["status"] = what, ["at"] = at.ToString("O", CultureInfo.InvariantCulture) } }.ToJsonString()
            : $"{at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} run {what,-9} {run.FunctionId} {run.Id}";
        tx.OnCommitted(() => output.WriteLine(line));
    }
}
