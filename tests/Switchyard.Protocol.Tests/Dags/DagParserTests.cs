using System.Text.Json.Nodes;
using CsCheck;
using Switchyard.Protocol.Dags;

namespace Switchyard.Protocol.Tests.Dags;

public sealed class DagParserTests
{
    private static DagParseResult Parse(string json) => DagParser.Parse(JsonNode.Parse(json));

    private static DagProblem Single(string json)
    {
        var result = Parse(json);
        Assert.False(result.IsValid);
        return Assert.Single(result.Problems);
    }

    [Fact]
    public void A_diamond_parses_with_camel_and_snake_case_keys()
    {
        var result = Parse("""
            {"request_id":"r1","max_parallel":4,"nodes":[
              {"id":"a","handler":"noop"},
              {"id":"b","handler":"shell","depends_on":["a"],"config":{"command":"echo {{nodes.a.output}}","max_output_bytes":10}},
              {"id":"c","handler":"http","dependsOn":"a","config":{"url":"http://127.0.0.1/x","expect_status":[200,201]},"timeout":"30s","retries":2},
              {"id":"d","handler":"noop","dependsOn":["b","c"]}]}
            """);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var spec = result.Spec!;
        Assert.Equal("r1", spec.RequestId);
        Assert.Equal(4, spec.MaxParallel);
        Assert.Equal(["a", "b", "c", "d"], DagParser.TopologicalOrder(spec.Nodes));
        Assert.Equal(10, spec.Node("b")!.Config["maxOutputBytes"]!.GetValue<int>());
        Assert.Equal(TimeSpan.FromSeconds(30), spec.Node("c")!.Timeout);
        Assert.Equal(2, spec.Node("c")!.Retries);
        Assert.Equal("host", spec.Node("b")!.Role);
        // The canonical form reads back to the same DAG.
        var again = DagParser.Parse(spec.ToJson());
        Assert.True(again.IsValid);
        Assert.Equal(spec.ToJson().ToJsonString(), again.Spec!.ToJson().ToJsonString());
    }

    [Fact]
    public void No_nodes_is_refused() => Assert.Equal("nodes", Single("""{"nodes":[]}""").Field);

    [Fact]
    public void A_missing_id_is_refused_naming_the_position()
    {
        var p = Single("""{"nodes":[{"id":"a","handler":"noop"},{"handler":"noop"}]}""");
        Assert.Equal(("nodes[1]", "id"), (p.Node, p.Field));
    }

    [Fact]
    public void Duplicate_ids_are_refused()
    {
        var p = Single("""{"nodes":[{"id":"a","handler":"noop"},{"id":"a","handler":"noop"}]}""");
        Assert.Equal(("a", "id"), (p.Node, p.Field));
        Assert.Contains("more than one", p.Message);
    }

    [Fact]
    public void A_self_dependency_is_refused()
    {
        var p = Single("""{"nodes":[{"id":"a","handler":"noop","dependsOn":["a"]}]}""");
        Assert.Equal(("a", "dependsOn"), (p.Node, p.Field));
    }

    [Fact]
    public void A_missing_dependency_is_refused_naming_it()
    {
        var p = Single("""{"nodes":[{"id":"a","handler":"noop","dependsOn":["ghost"]}]}""");
        Assert.Equal(("a", "dependsOn"), (p.Node, p.Field));
        Assert.Contains("'ghost'", p.Message);
    }

    [Fact]
    public void A_cycle_is_refused_listing_its_nodes()
    {
        var p = Single("""
            {"nodes":[{"id":"start","handler":"noop"},
              {"id":"a","handler":"noop","dependsOn":["start","c"]},
              {"id":"b","handler":"noop","dependsOn":["a"]},
              {"id":"c","handler":"noop","dependsOn":["b"]}]}
            """);
        Assert.Equal("dependsOn", p.Field);
        Assert.Contains("cycle", p.Message);
        foreach (var id in new[] { "a", "b", "c" }) Assert.Contains(id, p.Message);
        Assert.DoesNotContain("start", p.Message);
    }

    [Theory]
    [InlineData("""{"nodes":[{"id":"a","handler":"teleport"}]}""", "a", "handler")]
    [InlineData("""{"nodes":[{"id":"a","handler":"shell"}]}""", "a", "config.command")]
    [InlineData("""{"nodes":[{"id":"a","handler":"http","config":{"url":"ftp://x"}}]}""", "a", "config.url")]
    [InlineData("""{"nodes":[{"id":"a","handler":"event"}]}""", "a", "config.name")]
    [InlineData("""{"nodes":[{"id":"a","handler":"invoke"}]}""", "a", "config.function")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","retries":99}]}""", "a", "retries")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","timeout":"soon"}]}""", "a", "timeout")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","role":"gpu"}]}""", "a", "role")]
    [InlineData("""{"nodes":[{"id":"a b","handler":"noop"}]}""", "a b", "id")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","dependson":[],"colour":"red"}]}""", "a", "colour")]
    [InlineData("""{"nodes":[{"id":"a","handler":"shell","config":{"command":"x","comand":"y"}}]}""", "a", "config.comand")]
    [InlineData("""{"maxParallel":0,"nodes":[{"id":"a","handler":"noop"}]}""", null, "maxParallel")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop"},{"id":"b","handler":"noop","config":{"output":"{{nodes.a.output}}"}}]}""", "b", "config")]
    [InlineData("""{"nodes":[{"id":"a","handler":"noop","config":{"output":"{{env.HOME}}"}}]}""", "a", "config")]
    public void Each_bad_field_is_named(string json, string? node, string field)
    {
        var p = Single(json);
        Assert.Equal((node, field), (p.Node, p.Field));
    }

    [Fact]
    public void Sizes_are_bounded()
    {
        var nodes = new JsonArray(Enumerable.Range(0, DagLimits.MaxNodes + 1).Select(i => (JsonNode)new JsonObject { ["id"] = $"n{i}", ["handler"] = "noop" }).ToArray());
        Assert.Equal("nodes", Assert.Single(DagParser.Parse(new JsonObject { ["nodes"] = nodes }).Problems).Field);
        var big = new JsonObject { ["nodes"] = new JsonArray(new JsonObject { ["id"] = "a", ["handler"] = "noop", ["config"] = new JsonObject { ["output"] = new string('x', DagLimits.MaxConfigBytes) } }) };
        Assert.Equal("config", Assert.Single(DagParser.Parse(big).Problems).Field);
    }

    [Fact]
    public void A_long_chain_parses_without_deep_recursion()
    {
        var nodes = new JsonArray(Enumerable.Range(0, DagLimits.MaxNodes).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = $"n{i}", ["handler"] = "noop", ["dependsOn"] = i == 0 ? new JsonArray() : new JsonArray($"n{i - 1}"),
        }).ToArray());
        Assert.True(DagParser.Parse(new JsonObject { ["nodes"] = nodes }).IsValid);
    }

    [Fact]
    public void Nodes_as_a_table_keyed_by_id_are_read_as_toml_writes_them()
    {
        var result = Parse("""{"nodes":{"fetch":{"handler":"noop"},"report":{"handler":"noop","depends_on":["fetch"]}}}""");
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(["fetch", "report"], result.Spec!.Nodes.Select(n => n.Id));
    }

    /// <summary>Random DAGs: edges only point to earlier nodes, so every one is acyclic and must parse, and its
    /// topological order puts each node after its dependencies. Adding an edge from the first node of any
    /// dependency chain back to its last makes a cycle, which must be refused listing only nodes of that cycle.</summary>
    [Fact]
    public void Random_acyclic_dags_parse_and_any_back_edge_is_a_cycle()
    {
        var gen = Gen.Int[1, 40].SelectMany(n => Gen.Int[0, 1000].Array[n * 3].Select(seeds => (n, seeds)));
        gen.Sample(t =>
        {
            var (n, seeds) = t;
            var deps = new List<string>[n];
            for (var i = 0; i < n; i++)
            {
                deps[i] = [];
                for (var k = 0; k < 3 && i > 0; k++)
                    if (seeds[i * 3 + k] % 2 == 0) deps[i].Add($"n{seeds[i * 3 + k] % i}");
                deps[i] = deps[i].Distinct().ToList();
            }
            JsonObject Build() => new()
            {
                ["nodes"] = new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = $"n{i}", ["handler"] = "noop", ["dependsOn"] = new JsonArray(deps[i].Select(d => (JsonNode)d).ToArray()),
                }).ToArray()),
            };
            var result = DagParser.Parse(Build());
            Assert.True(result.IsValid, string.Join("; ", result.Problems));
            var order = DagParser.TopologicalOrder(result.Spec!.Nodes).Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
            Assert.Equal(n, order.Count);
            for (var i = 0; i < n; i++)
                foreach (var d in deps[i]) Assert.True(order[d] < order[$"n{i}"]);

            // A back edge along an existing path: the path's first node now depends on its last.
            var last = Enumerable.Range(0, n).LastOrDefault(i => deps[i].Count > 0, -1);
            if (last < 0) return;
            var path = new List<int> { last };
            while (deps[path[^1]].Count > 0) path.Add(int.Parse(deps[path[^1]][0][1..], System.Globalization.CultureInfo.InvariantCulture));
            var root = path[^1];
            deps[root] = [.. deps[root], $"n{last}"];
            var cyclic = DagParser.Parse(Build());
            var problem = Assert.Single(cyclic.Problems);
            Assert.Contains("cycle", problem.Message);
            Assert.Contains($"n{root}", problem.Message);
        }, iter: 300);
    }

    [Fact]
    public void Durations_read_the_same_way_for_the_parser_and_the_orchestrator()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), DagParser.ReadDuration(JsonValue.Create("1m30s")));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), DagParser.ReadDuration(JsonValue.Create(1500)));
        Assert.Null(DagParser.ReadDuration(JsonValue.Create("soon")));
        Assert.Null(DagParser.ReadDuration(JsonValue.Create(-1)));
        Assert.Null(DagParser.ReadDuration(null));
    }
}
