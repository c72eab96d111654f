using System.Text.Json.Nodes;
using Switchyard.Protocol.Dags;

namespace Switchyard.Protocol.Tests.Dags;

public sealed class DagTemplateTests
{
    private static readonly Dictionary<string, JsonNode?> Outputs = new()
    {
        ["fetch"] = JsonNode.Parse("""{"items":[{"url":"http://x/1"}],"count":3}"""),
        ["shell"] = JsonValue.Create("""{"version":"1.2.3"}"""),
        ["plain"] = JsonValue.Create("hello"),
    };

    private static JsonNode? Render(string template, JsonNode? input = null) =>
        DagTemplate.Render(new JsonObject { ["v"] = template }, Outputs, input)["v"];

    [Fact]
    public void A_whole_string_template_keeps_the_value_type()
    {
        Assert.Equal(3, Render("{{nodes.fetch.output.count}}")!.GetValue<int>());
        Assert.Equal("""{"url":"http://x/1"}""", Render("{{nodes.fetch.output.items[0]}}")!.ToJsonString());
    }

    [Fact]
    public void Templates_in_text_become_text()
    {
        Assert.Equal("get http://x/1 (3) hello", Render("get {{nodes.fetch.output.items[0].url}} ({{ nodes.fetch.output.count }}) {{nodes.plain.output}}")!.GetValue<string>());
    }

    [Fact]
    public void A_path_into_a_string_output_reads_it_as_json()
    {
        Assert.Equal("1.2.3", Render("{{nodes.shell.output.version}}")!.GetValue<string>());
    }

    [Fact]
    public void Input_is_readable()
    {
        Assert.Equal("to ada", Render("to {{input.user.name}}", JsonNode.Parse("""{"user":{"name":"ada"}}"""))!.GetValue<string>());
    }

    [Fact]
    public void Templates_work_in_nested_config_strings()
    {
        var config = JsonNode.Parse("""{"headers":{"X-Count":"{{nodes.fetch.output.count}}"},"body":["{{nodes.plain.output}}"]}""")!.AsObject();
        var rendered = DagTemplate.Render(config, Outputs, null);
        Assert.Equal("3", rendered["headers"]!["X-Count"]!.ToJsonString());
        Assert.Equal("hello", rendered["body"]![0]!.GetValue<string>());
    }

    [Fact]
    public void A_node_without_output_is_an_error() =>
        Assert.Throws<InvalidOperationException>(() => Render("{{nodes.later.output}}"));

    [Theory]
    [InlineData("build", "DEP_BUILD")]
    [InlineData("fetch-data.v2", "DEP_FETCH_DATA_V2")]
    [InlineData("a_b", "DEP_A_B")]
    public void Dependency_variables_are_upper_cased_with_underscores(string id, string expected) =>
        Assert.Equal(expected, DagEnvironment.DependencyVariable(id));
}
