using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Dags;

/// <summary>Reads and validates a DAG, <c>{requestId?, pipeline?, maxParallel?, retryDelay?, retries?, nodes: [{id,
/// handler, dependsOn?, config?, timeout?, retries?, role?}]}</c>, from JSON (or TOML turned into JSON). Keys may be
/// camelCase or snake_case. Every check runs before anything is stored: at least one node; ids present, well formed
/// and unique; no self-dependency; every dependency exists; no cycle (the problem lists the cycle); sizes within
/// <see cref="DagLimits"/>; each handler's config has what it needs; templates refer only to upstream nodes.</summary>
public static class DagParser
{
    private static readonly Dictionary<DagHandler, string[]> ConfigKeys = new()
    {
        [DagHandler.Noop] = ["sleep", "output"],
        [DagHandler.Shell] = ["command", "env", "cwd", "maxOutputBytes"],
        [DagHandler.Http] = ["url", "method", "headers", "body", "expectStatus"],
        [DagHandler.Event] = ["name", "data", "waitFor"],
        [DagHandler.Invoke] = ["function", "data"],
    };

    private static readonly string[] TopLevel = ["requestId", "pipeline", "maxParallel", "retryDelay", "retries", "nodes"];
    private static readonly string[] NodeKeys = ["id", "handler", "dependsOn", "config", "timeout", "retries", "role"];

    /// <summary>Parses <paramref name="json"/>.</summary>
    /// <param name="json">The DAG document.</param>
    /// <param name="extraKeys">Top-level keys the caller handles itself (a pipeline's <c>schedule</c>, …); they are
    /// accepted and ignored here.</param>
    public static DagParseResult Parse(JsonNode? json, IReadOnlyCollection<string>? extraKeys = null)
    {
        var problems = new List<DagProblem>();
        if (json is not JsonObject root)
            return Fail(new DagProblem(null, "dag", "must be a JSON object with a nodes list"));
        var top = Canonical(root, TopLevel.Concat(extraKeys ?? []).ToArray(), null, problems);

        var requestId = OptionalString(top, "requestId", null, problems);
        if (requestId is { Length: 0 or > DagLimits.MaxRequestIdLength })
            problems.Add(new DagProblem(null, "requestId", $"must be 1 to {DagLimits.MaxRequestIdLength} characters"));
        var pipeline = OptionalString(top, "pipeline", null, problems);
        var maxParallel = OptionalInt(top, "maxParallel", null, 1, DagLimits.MaxParallel, problems) ?? DagLimits.DefaultMaxParallel;
        var retryDelay = OptionalDuration(top, "retryDelay", null, problems) ?? DagLimits.DefaultRetryDelay;
        var defaultRetries = OptionalInt(top, "retries", null, 0, DagLimits.MaxRetries, problems) ?? 0;

        if (top["nodes"] is not { } nodesNode)
            return Fail([.. problems, new DagProblem(null, "nodes", "is required: a list of at least one node")]);
        var nodeList = nodesNode switch
        {
            JsonArray a => a.ToList(),
            // TOML sub-tables keyed by id ([nodes.build]) read as an object: the key is the id.
            JsonObject o => o.Select(p => (JsonNode?)WithId(p.Key, p.Value)).ToList(),
            _ => null,
        };
        if (nodeList is null) return Fail([.. problems, new DagProblem(null, "nodes", "must be a list of nodes")]);
        if (nodeList.Count == 0) return Fail([.. problems, new DagProblem(null, "nodes", "must have at least one node")]);
        if (nodeList.Count > DagLimits.MaxNodes)
            return Fail([.. problems, new DagProblem(null, "nodes", $"has {nodeList.Count} nodes; at most {DagLimits.MaxNodes} are allowed")]);

        var nodes = new List<DagNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodeList.Count; i++)
        {
            var where = $"nodes[{i}]";
            if (nodeList[i] is not JsonObject raw)
            {
                problems.Add(new DagProblem(where, "node", "must be an object"));
                continue;
            }
            var rawId = raw.FirstOrDefault(p => Normalize(p.Key) == "id").Value;
            var id = rawId is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            var label = string.IsNullOrEmpty(id) ? where : id;
            var node = Canonical(raw, NodeKeys, label, problems);
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add(new DagProblem(where, "id", "is required and must be a non-empty string"));
                continue;
            }
            if (id.Length > DagLimits.MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                problems.Add(new DagProblem(label, "id", $"must be at most {DagLimits.MaxIdLength} letters, digits, '_', '-' or '.'"));
            if (!seen.Add(id))
            {
                problems.Add(new DagProblem(label, "id", $"'{id}' is used by more than one node"));
                continue;
            }
            var handlerText = OptionalString(node, "handler", label, problems);
            DagHandler handler = DagHandler.Noop;
            if (handlerText is null) problems.Add(new DagProblem(label, "handler", "is required: noop, shell, http, event or invoke"));
            else if (!Enum.TryParse(handlerText, ignoreCase: true, out handler) || !Enum.IsDefined(handler) || handlerText.Any(char.IsDigit))
                problems.Add(new DagProblem(label, "handler", $"'{handlerText}' is not a handler: noop, shell, http, event or invoke"));
            var deps = DependsOn(node, label, problems);
            if (deps.Contains(id)) problems.Add(new DagProblem(label, "dependsOn", "a node cannot depend on itself"));
            if (deps.Count > DagLimits.MaxDependencies)
                problems.Add(new DagProblem(label, "dependsOn", $"has {deps.Count} entries; at most {DagLimits.MaxDependencies} are allowed"));
            var timeout = OptionalDuration(node, "timeout", label, problems);
            if (timeout is { } t && (t <= TimeSpan.Zero || t > DagLimits.MaxTimeout))
                problems.Add(new DagProblem(label, "timeout", $"must be more than 0 and at most {TimeString.Format(DagLimits.MaxTimeout)}"));
            var retries = OptionalInt(node, "retries", label, 0, DagLimits.MaxRetries, problems) ?? defaultRetries;
            var role = OptionalString(node, "role", label, problems) ?? DagLimits.DefaultRole;
            if (!DagLimits.Roles.Contains(role, StringComparer.Ordinal))
                problems.Add(new DagProblem(label, "role", $"'{role}' is not a role: {string.Join(" or ", DagLimits.Roles)}"));
            var config = node["config"] switch
            {
                null => new JsonObject(),
                JsonObject c => Canonical(c, ConfigKeys.GetValueOrDefault(handler) ?? [], label, problems, "config."),
                _ => null,
            };
            if (config is null)
            {
                problems.Add(new DagProblem(label, "config", "must be an object"));
                config = [];
            }
            if (Encoding.UTF8.GetByteCount(config.ToJsonString()) > DagLimits.MaxConfigBytes)
                problems.Add(new DagProblem(label, "config", $"is larger than {DagLimits.MaxConfigBytes} bytes"));
            CheckConfig(handler, config, label, problems);
            nodes.Add(new DagNode(id, handler, deps, config, timeout, retries, role));
        }
        if (problems.Count > 0) return Fail(problems);

        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var node in nodes)
            foreach (var dep in node.DependsOn.Where(d => !byId.ContainsKey(d)))
                problems.Add(new DagProblem(node.Id, "dependsOn", $"'{dep}' is not a node of this DAG"));
        if (problems.Count > 0) return Fail(problems);

        if (FindCycle(nodes) is { } cycle)
            return Fail(new DagProblem(cycle[0], "dependsOn", $"the nodes form a cycle: {string.Join(" -> ", cycle)} -> {cycle[0]}"));

        var ancestors = Ancestors(nodes);
        foreach (var node in nodes)
            foreach (var (reference, problem) in DagTemplate.References(node.Config))
            {
                if (problem is not null) problems.Add(new DagProblem(node.Id, "config", problem));
                else if (reference!.Node is { } target && !ancestors[node.Id].Contains(target))
                    problems.Add(new DagProblem(node.Id, "config", byId.ContainsKey(target)
                        ? $"a template reads node '{target}', which is not upstream of this node (add it to dependsOn)"
                        : $"a template reads node '{target}', which is not a node of this DAG"));
            }
        if (problems.Count > 0) return Fail(problems);
        return new DagParseResult(new DagSpec(requestId, pipeline, maxParallel, retryDelay, nodes), []);
    }

    private static DagParseResult Fail(DagProblem problem) => new(null, [problem]);

    private static DagParseResult Fail(List<DagProblem> problems) => new(null, problems);

    private static JsonNode WithId(string key, JsonNode? value)
    {
        var copy = value is JsonObject o ? (JsonObject)o.DeepClone() : [];
        if (!copy.Any(p => Normalize(p.Key) == "id")) copy["id"] = key;
        return copy;
    }

    /// <summary>A copy with keys in their canonical camelCase spelling; unknown keys are problems.</summary>
    private static JsonObject Canonical(JsonObject source, string[] known, string? node, List<DagProblem> problems, string prefix = "")
    {
        var copy = new JsonObject();
        foreach (var (key, value) in source)
        {
            var canonical = known.FirstOrDefault(k => Normalize(k) == Normalize(key));
            if (canonical is null)
            {
                var hint = known.Length == 0 ? "" : $" (known: {string.Join(", ", known)})";
                problems.Add(new DagProblem(node, prefix + key, $"is not a field{hint}"));
                continue;
            }
            if (copy.ContainsKey(canonical))
            {
                problems.Add(new DagProblem(node, prefix + key, $"is given twice (as {canonical} too)"));
                continue;
            }
            copy[canonical] = value?.DeepClone();
        }
        return copy;
    }

    private static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static void CheckConfig(DagHandler handler, JsonObject config, string node, List<DagProblem> problems)
    {
        void Require(string key, string what)
        {
            if (config[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetValue<string>()))
                problems.Add(new DagProblem(node, "config." + key, $"is required for a {handler.ToString().ToLowerInvariant()} node: {what}"));
        }
        void StringMap(string key)
        {
            if (config[key] is null) return;
            if (config[key] is not JsonObject map || map.Any(p => p.Value is not JsonValue s || s.GetValueKind() != JsonValueKind.String))
                problems.Add(new DagProblem(node, "config." + key, "must be an object of strings"));
        }
        switch (handler)
        {
            case DagHandler.Noop:
                OptionalDuration(config, "sleep", node, problems, "config.");
                break;
            case DagHandler.Shell:
                Require("command", "the command line run with /bin/sh -c");
                StringMap("env");
                OptionalString(config, "cwd", node, problems, "config.");
                OptionalInt(config, "maxOutputBytes", node, 1, 16 * 1024 * 1024, problems, "config.");
                break;
            case DagHandler.Http:
                Require("url", "an absolute http(s) URL");
                if (config["url"] is JsonValue u && u.GetValueKind() == JsonValueKind.String && !u.GetValue<string>().Contains("{{", StringComparison.Ordinal)
                    && (!Uri.TryCreate(u.GetValue<string>(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
                    problems.Add(new DagProblem(node, "config.url", $"'{u.GetValue<string>()}' is not an absolute http(s) URL"));
                OptionalString(config, "method", node, problems, "config.");
                StringMap("headers");
                if (config["expectStatus"] is { } expect && !(expect is JsonValue ev && ev.TryGetValue<int>(out _))
                    && !(expect is JsonArray ea && ea.All(x => x is JsonValue xv && xv.TryGetValue<int>(out _))))
                    problems.Add(new DagProblem(node, "config.expectStatus", "must be a status code or a list of them"));
                break;
            case DagHandler.Event:
                Require("name", "the event name to send");
                if (config["waitFor"] is { } wait)
                {
                    if (wait is not JsonObject w || w["event"] is not JsonValue we || we.GetValueKind() != JsonValueKind.String)
                        problems.Add(new DagProblem(node, "config.waitFor", "must be {event, match?, if?, timeout?}"));
                    else
                    {
                        var canonical = Canonical(w, ["event", "match", "if", "timeout"], node, problems, "config.waitFor.");
                        OptionalDuration(canonical, "timeout", node, problems, "config.waitFor.");
                        config["waitFor"] = canonical;
                    }
                }
                break;
            case DagHandler.Invoke:
                Require("function", "the id of a registered function");
                break;
        }
    }

    private static List<string> DependsOn(JsonObject node, string label, List<DagProblem> problems)
    {
        switch (node["dependsOn"])
        {
            case null:
                return [];
            // "a, b" is accepted as well as ["a", "b"].
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
            case JsonArray a when a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.String):
                return a.Select(x => x!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList();
            default:
                problems.Add(new DagProblem(label, "dependsOn", "must be a list of node ids"));
                return [];
        }
    }

    private static string? OptionalString(JsonObject obj, string key, string? node, List<DagProblem> problems, string prefix = "")
    {
        if (obj[key] is null) return null;
        if (obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        problems.Add(new DagProblem(node, prefix + key, "must be a string"));
        return null;
    }

    private static int? OptionalInt(JsonObject obj, string key, string? node, int min, int max, List<DagProblem> problems, string prefix = "")
    {
        if (obj[key] is null) return null;
        if (obj[key] is JsonValue v && (v.TryGetValue<int>(out var n) || (v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue && (n = (int)l) == l)
            || (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue && (n = (int)d) == d)
            || (v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))))
        {
            if (n >= min && n <= max) return n;
        }
        problems.Add(new DagProblem(node, prefix + key, $"must be a whole number from {min} to {max}"));
        return null;
    }

    /// <summary>A duration as a DAG may write it: a string such as <c>30s</c> or <c>1h30m</c>, or whole milliseconds;
    /// null when absent or not a duration. The parser checks config durations with it and the orchestrator reads
    /// them with it, so both agree on the grammar.</summary>
    public static TimeSpan? ReadDuration(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => TimeString.TryParseDuration(v.GetValue<string>(), out var span) && span >= TimeSpan.Zero ? span : null,
        // Whole milliseconds, whether the node came from parsed text or was built in code (an int-backed node does
        // not answer TryGetValue<long>).
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
            => TimeSpan.FromMilliseconds(millis),
        _ => null,
    };

    private static TimeSpan? OptionalDuration(JsonObject obj, string key, string? node, List<DagProblem> problems, string prefix = "")
    {
        if (obj[key] is null) return null;
        if (ReadDuration(obj[key]) is { } duration) return duration;
        problems.Add(new DagProblem(node, prefix + key, "must be a duration such as 30s, 5m or 1h30m (or milliseconds)"));
        return null;
    }

    /// <summary>A cycle as the list of its nodes in dependency order, or null. Iterative depth-first search, so a
    /// 1,000-node chain cannot overflow the stack.</summary>
    private static List<string>? FindCycle(IReadOnlyList<DagNode> nodes)
    {
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var start in nodes)
        {
            if (state.ContainsKey(start.Id)) continue;
            var path = new List<string>();
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((start.Id, 0));
            state[start.Id] = 1;
            path.Add(start.Id);
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var deps = byId[id].DependsOn;
                if (next < deps.Count)
                {
                    stack.Push((id, next + 1));
                    var dep = deps[next];
                    if (!state.TryGetValue(dep, out var s))
                    {
                        state[dep] = 1;
                        path.Add(dep);
                        stack.Push((dep, 0));
                    }
                    else if (s == 1)
                    {
                        // path runs from a node to what it depends on; the cycle, in "runs before" order, is reversed.
                        var cycle = path[path.IndexOf(dep)..];
                        cycle.Reverse();
                        return cycle;
                    }
                    continue;
                }
                state[id] = 2;
                path.RemoveAt(path.Count - 1);
            }
        }
        return null;
    }

    /// <summary>Every node's transitive dependencies, in topological order.</summary>
    private static Dictionary<string, HashSet<string>> Ancestors(IReadOnlyList<DagNode> nodes)
    {
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var id in TopologicalOrder(nodes))
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dep in byId[id].DependsOn)
            {
                set.Add(dep);
                set.UnionWith(result[dep]);
            }
            result[id] = set;
        }
        return result;
    }

    /// <summary>Node ids with every node after its dependencies (Kahn's algorithm, ties in declaration order).</summary>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyList<DagNode> nodes)
    {
        var remaining = nodes.ToDictionary(n => n.Id, n => n.DependsOn.Count, StringComparer.Ordinal);
        var dependents = nodes.SelectMany(n => n.DependsOn.Select(d => (d, n.Id))).ToLookup(p => p.d, p => p.Id, StringComparer.Ordinal);
        var ready = new Queue<string>(nodes.Where(n => n.DependsOn.Count == 0).Select(n => n.Id));
        var order = new List<string>(nodes.Count);
        while (ready.Count > 0)
        {
            var id = ready.Dequeue();
            order.Add(id);
            foreach (var next in dependents[id])
                if (--remaining[next] == 0) ready.Enqueue(next);
        }
        return order;
    }
}
