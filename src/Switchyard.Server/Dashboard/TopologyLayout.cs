using System.Text.Json.Nodes;

namespace Switchyard.Server.Dashboard;

/// <summary>Places the wiring map's nodes (the <c>edges</c> of <c>GET /v1/topology</c>) for an SVG drawn on the server:
/// columns by longest distance from a source (an event, a cron…), rows in name order. Cycles (a function that emits an
/// event it also handles) are cut at the first revisit, so every node gets a column.</summary>
internal sealed record TopologyLayout(IReadOnlyList<TopologyLayout.Node> Nodes, IReadOnlyList<TopologyLayout.Link> Links, double Width, double Height)
{
    /// <summary>Node size and gaps, in SVG units.</summary>
    public const double NodeWidth = 190, NodeHeight = 34, ColumnGap = 80, RowGap = 16;

    /// <summary>A box.</summary>
    public sealed record Node(string Kind, string Name, double X, double Y);

    /// <summary>An arrow between two boxes.</summary>
    public sealed record Link(Node From, Node To, string Kind, string? Condition);

    /// <summary>Lays out the topology document.</summary>
    public static TopologyLayout Of(JsonObject topology)
    {
        var edges = (topology["edges"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => (From: Key(e["fromKind"], e["from"]), To: Key(e["toKind"], e["to"]), Kind: e["kind"]?.ToString() ?? "", If: e["if"]?.ToString()))
            .ToList();
        var keys = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        var column = keys.ToDictionary(k => k, _ => 0);
        // Longest-path columns; at most one pass per node bounds the work even with cycles.
        for (var pass = 0; pass < keys.Count; pass++)
        {
            var changed = false;
            foreach (var (from, to, _, _) in edges)
                if (column[to] < column[from] + 1 && column[from] + 1 < keys.Count) { column[to] = column[from] + 1; changed = true; }
            if (!changed) break;
        }
        var nodes = new Dictionary<(string, string), Node>();
        var rows = 0;
        foreach (var group in keys.GroupBy(k => column[k]).OrderBy(g => g.Key))
        {
            var row = 0;
            foreach (var key in group.OrderBy(k => k.Kind, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal))
                nodes[key] = new Node(key.Kind, key.Name, group.Key * (NodeWidth + ColumnGap) + 4, row++ * (NodeHeight + RowGap) + 4);
            rows = Math.Max(rows, row);
        }
        var columns = keys.Count == 0 ? 0 : column.Values.Max() + 1;
        return new TopologyLayout([.. nodes.Values], edges.Select(e => new Link(nodes[e.From], nodes[e.To], e.Kind, e.If)).ToList(),
            Math.Max(1, columns * (NodeWidth + ColumnGap)), Math.Max(1, rows * (NodeHeight + RowGap) + 8));
    }

    private static (string Kind, string Name) Key(JsonNode? kind, JsonNode? name) => (kind?.ToString() ?? "", name?.ToString() ?? "");
}
