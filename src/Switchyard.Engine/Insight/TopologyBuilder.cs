using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Insight;

/// <summary>The wiring map, generated from live registration, configuration and observed history: components with
/// their addresses (the bus server, every replica that beat into the store with its state, the supervisor, gateway
/// and Redis when configured), stores, apps with their functions, and edges event → function (triggers), cron → function,
/// function → event (events its steps sent), function → function (invokes), and the work queue's families with the
/// event, pipeline or URL each hands its items to, and the pipelines with their schedules.</summary>
public sealed class TopologyBuilder(TimeProvider time, IStore store, FunctionRegistry registry, ServerOptions options, PipelineCatalog pipelines, IEnumerable<ITopologyComponentSource> extra)
{
    /// <summary>How much recent history is scanned for observed edges.</summary>
    public const int HistoryWindow = 50_000;

    /// <summary>Builds the map.</summary>
    public async Task<JsonObject> BuildAsync(CancellationToken ct)
    {
        var snapshot = registry.Current;
        var components = new JsonArray
        {
            new JsonObject { ["name"] = "bus server", ["kind"] = "server", ["address"] = options.ClientUrl.ToString().TrimEnd('/'), ["port"] = options.ClientUrl.Port },
        };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var r in await store.Reader.ListReplicasAsync(ct))
        {
            components.Add(new JsonObject
            {
                ["name"] = $"replica {r.Id}", ["kind"] = "replica", ["address"] = r.Address, ["port"] = Uri.TryCreate(r.Address, UriKind.Absolute, out var ru) ? ru.Port : null,
                ["state"] = r.StateAt(now, options.ReplicaHeartbeat).ToString().ToLowerInvariant(), ["version"] = r.Version, ["startedAt"] = r.StartedAt, ["lastBeatAt"] = r.LastBeatAt, ["stoppedAt"] = r.StoppedAt,
            });
        }
        if (Configured(options.SupervisorUrl) is { } supervisor) components.Add(Component("supervisor", "supervisor", supervisor));
        if (Configured(options.GatewayUrl) is { } gateway) components.Add(Component("gateway", "gateway", gateway));
        foreach (var c in extra.Select(x => x.Describe())) components.Add(Component(c.Name, c.Kind, c.Address));
        var stores = new JsonArray { new JsonObject { ["kind"] = store.Kind, ["location"] = store.Location } };
        var apps = new JsonArray();
        var edges = new JsonArray();
        foreach (var app in snapshot.Apps)
        {
            var uri = Uri.TryCreate(app.Url, UriKind.Absolute, out var u) ? u : null;
            var functions = new JsonArray();
            foreach (var fn in snapshot.Functions.Where(f => f.AppId == app.Id))
            {
                var owner = snapshot.Function(fn.Id)?.AppId == app.Id;
                functions.Add(new JsonObject
                {
                    ["id"] = fn.Id, ["name"] = fn.Name, ["paused"] = fn.Paused, ["owner"] = owner,
                    ["triggers"] = new JsonArray(fn.Config.Triggers.Select(t => (JsonNode)new JsonObject
                    {
                        ["event"] = t.Event, ["cron"] = t.Cron, ["expression"] = t.Expression,
                    }).ToArray()),
                });
                if (!owner) continue;
                foreach (var t in fn.Config.Triggers)
                {
                    if (t.Event is not null) edges.Add(Edge("event", t.Event, "function", fn.Id, "triggers", t.Expression));
                    if (t.Cron is not null) edges.Add(Edge("cron", t.Cron, "function", fn.Id, "schedules", null));
                }
            }
            apps.Add(new JsonObject
            {
                ["id"] = app.Id, ["role"] = snapshot.Role(app.Id), ["url"] = app.Url, ["host"] = uri?.Host, ["port"] = uri?.Port, ["sdk"] = app.Sdk, ["syncedAt"] = app.SyncedAt,
                ["functions"] = functions,
            });
        }
        // Pipelines: their schedules, the orchestrator that runs them, and the workers their shell nodes need.
        var pipelineList = new JsonArray();
        foreach (var p in pipelines.All)
        {
            var shellRoles = p.Spec.Nodes.Where(n => n.Handler == Protocol.Dags.DagHandler.Shell).Select(n => n.Role).Distinct().Order(StringComparer.Ordinal).ToList();
            pipelineList.Add(new JsonObject
            {
                ["name"] = p.Name, ["schedule"] = p.Schedule?.Text, ["concurrency"] = p.Concurrency.ToWire(), ["notify"] = p.Notify,
                ["nodes"] = p.Spec.Nodes.Count,
                ["handlers"] = new JsonArray(p.Spec.Nodes.Select(n => n.Handler.ToString().ToLowerInvariant()).Distinct().Select(h => (JsonNode)h).ToArray()),
            });
            if (p.Schedule is { } schedule) edges.Add(Edge("cron", schedule.Text, "pipeline", p.Name, "schedules", null));
            edges.Add(Edge("pipeline", p.Name, "function", DagRuntime.FunctionId, "runs on", null));
            foreach (var role in shellRoles) edges.Add(Edge("pipeline", p.Name, "function", $"switchyard-shell-{role}", "shell nodes on", null));
        }
        var (sends, invokes) = await store.Reader.ObservedEdgesAsync(HistoryWindow, ct);
        foreach (var (fn, name) in sends) edges.Add(Edge("function", fn, "event", name, "sends", null));
        foreach (var (fn, target) in invokes.Where(i => i.Invoked.Length > 0)) edges.Add(Edge("function", fn, "function", target, "invokes", null));
        // Work-queue families, from configuration: each sends an event, starts a pipeline or posts to a URL.
        var queue = new JsonArray();
        foreach (var (family, f) in options.Queue.Families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var (toKind, target, verb) = f.Handler switch
            {
                QueueHandlerKind.Event => ("event", f.Event, "sends"),
                QueueHandlerKind.Pipeline => ("pipeline", f.Pipeline, "starts"),
                _ => ("url", f.Url, "posts"),
            };
            queue.Add(new JsonObject
            {
                ["family"] = family, ["handler"] = f.Handler?.ToString().ToLowerInvariant(), ["target"] = target, ["priority"] = f.Priority.ToString(), ["concurrency"] = f.Concurrency,
            });
            edges.Add(Edge("queue", family, toKind, target, verb, null));
        }
        return new JsonObject
        {
            ["generatedAt"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["components"] = components, ["stores"] = stores, ["apps"] = apps, ["pipelines"] = pipelineList, ["queue"] = queue, ["edges"] = edges,
        };
    }

    private static Uri? Configured(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : null;

    private static JsonObject Component(string name, string kind, Uri address) =>
        new() { ["name"] = name, ["kind"] = kind, ["address"] = address.ToString().TrimEnd('/'), ["port"] = address.Port };

    private static JsonObject Edge(string fromKind, string from, string toKind, string to, string kind, string? condition)
    {
        var edge = new JsonObject { ["fromKind"] = fromKind, ["from"] = from, ["toKind"] = toKind, ["to"] = to, ["kind"] = kind };
        if (condition is not null) edge["if"] = condition;
        return edge;
    }
}
