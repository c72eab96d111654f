using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Cli.Topology;

/// <summary>Renders the server's topology document as text, Markdown or a Mermaid flowchart.</summary>
public static class TopologyRenderer
{
    /// <summary>A Mermaid <c>flowchart LR</c>: apps as subgraphs of their functions, events as stadiums, cron as
    /// hexagons; triggers, sends and invokes as edges.</summary>
    public static string Mermaid(JsonObject topology)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Id(string kind, string key)
        {
            var k = kind + ":" + key;
            if (!ids.TryGetValue(k, out var id)) ids[k] = id = $"{kind[0]}{ids.Count}";
            return id;
        }
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var app in topology["apps"]!.AsArray())
        {
            sb.Append(CultureInfo.InvariantCulture, $"  subgraph {Id("app", app!["id"]!.GetValue<string>())}[\"app {Label(app["id"]!.GetValue<string>())}\"]\n");
            foreach (var fn in app["functions"]!.AsArray().Where(f => f!["owner"]?.GetValue<bool>() != false))
                sb.Append(CultureInfo.InvariantCulture, $"    {Id("function", fn!["id"]!.GetValue<string>())}[\"{Label(fn["id"]!.GetValue<string>())}\"]\n");
            sb.Append("  end\n");
        }
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in topology["edges"]!.AsArray())
        {
            var from = Node(edge!["fromKind"]!.GetValue<string>(), edge["from"]!.GetValue<string>());
            var to = Node(edge["toKind"]!.GetValue<string>(), edge["to"]!.GetValue<string>());
            var arrow = edge["kind"]!.GetValue<string>() switch { "invokes" => " -. invokes .-> ", "sends" => " -- sends --> ", _ => " --> " };
            sb.Append(CultureInfo.InvariantCulture, $"  {from}{arrow}{to}\n");
        }
        return sb.ToString();

        string Node(string kind, string key)
        {
            var id = Id(kind, key);
            if (kind == "function" || !declared.Add(id)) return id;
            return kind switch
            {
                "cron" => $"{id}{{{{\"cron {Label(key)}\"}}}}",
                "pipeline" => $"{id}[[\"pipeline {Label(key)}\"]]",
                _ => $"{id}([\"{Label(key)}\"])",
            };
        }
    }

    /// <summary>A Markdown document an operator can keep: components, stores, apps and functions, edges, and the
    /// Mermaid diagram.</summary>
    public static string Markdown(JsonObject topology)
    {
        var sb = new StringBuilder();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(topology["generatedAt"]!.GetValue<long>());
        sb.Append(CultureInfo.InvariantCulture, $"# Switchyard topology\n\nGenerated {at:u} from live registration, configuration and history (`yard topology --format md`).\n\n");
        sb.Append("## Components\n\n| Component | Address | State |\n|---|---|---|\n");
        foreach (var c in topology["components"]!.AsArray()) sb.Append(CultureInfo.InvariantCulture, $"| {c!["name"]} | {c["address"]} | {State(c)} |\n");
        sb.Append("\n## Stores\n\n| Kind | Location |\n|---|---|\n");
        foreach (var s in topology["stores"]!.AsArray()) sb.Append(CultureInfo.InvariantCulture, $"| {s!["kind"]} | `{s["location"]}` |\n");
        sb.Append("\n## Apps and functions\n\n| App | URL | Function | Triggers |\n|---|---|---|---|\n");
        foreach (var app in topology["apps"]!.AsArray())
            foreach (var fn in app!["functions"]!.AsArray())
                sb.Append(CultureInfo.InvariantCulture, $"| {app["id"]} | {app["url"]} | `{fn!["id"]}`{(fn["owner"]?.GetValue<bool>() == false ? " (conflict, not owner)" : "")} | {Triggers(fn)} |\n");
        if (topology["pipelines"] is JsonArray { Count: > 0 } pipelines)
        {
            sb.Append("\n## Pipelines\n\n| Pipeline | Schedule | Concurrency | Nodes | Handlers | Notify |\n|---|---|---|---|---|---|\n");
            foreach (var p in pipelines)
                sb.Append(CultureInfo.InvariantCulture, $"| {p!["name"]} | {p["schedule"]?.ToString() ?? "on demand"} | {p["concurrency"]} | {p["nodes"]} | {string.Join(", ", p["handlers"]!.AsArray().Select(h => h!.ToString()))} | {p["notify"]} |\n");
        }
        sb.Append("\n## Flows\n\n");
        foreach (var e in topology["edges"]!.AsArray())
            sb.Append(CultureInfo.InvariantCulture, $"- {e!["fromKind"]} `{e["from"]}` **{e["kind"]}** {e["toKind"]} `{e["to"]}`{(e["if"] is { } c ? $" if `{c}`" : "")}\n");
        sb.Append("\n```mermaid\n").Append(Mermaid(topology)).Append("```\n");
        return sb.ToString();
    }

    /// <summary>Plain text for a terminal.</summary>
    public static string Text(JsonObject topology)
    {
        var sb = new StringBuilder();
        foreach (var c in topology["components"]!.AsArray()) sb.Append(CultureInfo.InvariantCulture, $"{c!["name"]}  {c["address"]}{(c["state"] is null ? "" : "  " + State(c))}\n");
        foreach (var s in topology["stores"]!.AsArray()) sb.Append(CultureInfo.InvariantCulture, $"store  {s!["kind"]} {s["location"]}\n");
        foreach (var app in topology["apps"]!.AsArray())
        {
            sb.Append(CultureInfo.InvariantCulture, $"app {app!["id"]}  {app["url"]}\n");
            foreach (var fn in app["functions"]!.AsArray()) sb.Append(CultureInfo.InvariantCulture, $"  {fn!["id"]}  ← {Triggers(fn)}\n");
        }
        foreach (var p in topology["pipelines"]?.AsArray() ?? [])
            sb.Append(CultureInfo.InvariantCulture, $"pipeline {p!["name"]}  {p["schedule"]?.ToString() ?? "on demand"}, {p["nodes"]} nodes ({string.Join(", ", p["handlers"]!.AsArray().Select(h => h!.ToString()))})\n");
        foreach (var e in topology["edges"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() is "sends" or "invokes" or "starts" or "posts"))
            sb.Append(CultureInfo.InvariantCulture, $"{(e!["fromKind"]!.GetValue<string>() == "queue" ? "queue " : "")}{e["from"]} {e["kind"]} {e["to"]}\n");
        return sb.ToString();
    }

    /// <summary>A replica's state with its version (live / silent / stopped); other components have none.</summary>
    private static string State(JsonNode component) =>
        component["state"] is { } state ? $"{state} (yard {component["version"]})" : "";

    private static string Triggers(JsonNode fn) => string.Join(", ", fn["triggers"]!.AsArray().Select(t =>
        t!["event"] is { } e ? $"`{e}`" + (t["expression"] is { } x ? $" if `{x}`" : "") : $"cron `{t["cron"]}`"));

    /// <summary>Mermaid labels are quoted; quotes and angle brackets become entity codes.</summary>
    private static string Label(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal);
}
