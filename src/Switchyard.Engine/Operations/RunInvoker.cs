using System.Text.Json.Nodes;
using Switchyard.Protocol.Events;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Runs;

namespace Switchyard.Engine.Operations;

/// <summary>Starts one function directly with data (an <c>inngest/function.invoked</c> event, as a step's invoke
/// does) and, if asked, waits for its result: request/response over a durable run.</summary>
public sealed class RunInvoker(IStore store, FunctionRegistry registry, RunStarter starter, RunCompletions completions)
{
    /// <summary>Starts the run (durably) and returns it, finished when <paramref name="wait"/> allows.</summary>
    public async Task<(RunRecord? Run, EngineError? Error)> InvokeAsync(string functionId, JsonObject data, TimeSpan? wait, CancellationToken ct)
    {
        if (registry.Current.Function(functionId) is not { } fn) return (null, EngineError.NotFound($"no function with id '{functionId}' (see yard functions)"));
        var run = await store.WriteAsync(tx =>
        {
            var id = Ulid.NewUlid().ToString();
            var payload = (JsonObject)data.DeepClone();
            payload["_inngest"] = new JsonObject { ["fn_id"] = fn.Id, ["source"] = "api" };
            var json = new JsonObject { ["name"] = InternalEvents.FunctionInvoked, ["data"] = payload, ["id"] = id, ["ts"] = tx.Now };
            var ev = new StoredEvent(0, id, InternalEvents.FunctionInvoked, json.ToJsonString(), tx.Now, tx.Now, "invoke");
            ev = ev with { Seq = tx.InsertEvent(ev) };
            var started = starter.Start(tx, ev, fn, "invoked through the API");
            tx.InsertDecision(new Decision(ev.Id, ev.Seq, fn.Id, DecisionOutcome.Matched, "invoked through the API", started.Id, tx.Now));
            return started;
        }, ct);
        if (wait is not { } timeout || timeout <= TimeSpan.Zero) return (run, null);
        return (await completions.WaitAsync(run.Id, timeout, ct) ?? run, null);
    }
}
