using Switchyard.Protocol.Steps;

namespace Switchyard.Protocol.Tests;

public sealed class StepIdTests
{
    [Theory]
    [InlineData("say-hello", "dadbfeaa88b492f66779bb5433a28fe45acbca3c")]
    [InlineData("first", "e0996a37c13d44c3b06074939d43fa3759bd32c1")]
    [InlineData("second", "352f7829a2384b001cc12b0c2613c756454a1f6a")]
    [InlineData("first:1", "d9d1dc81ce73bf438df55e49455dcd449abef74e")]
    [InlineData("a", "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8")]
    [InlineData("complete", "0737c22d3bfae812339732d14d8c7dbd6dc4e09c")]
    public void Hash_matches_the_js_sdk(string id, string expected) => Assert.Equal(expected, StepId.Hash(id));

    [Fact]
    public void Counter_suffixes_repeats()
    {
        var counter = new StepIdCounter();
        Assert.Equal((StepId.Hash("first"), 0), counter.Next("first"));
        Assert.Equal((StepId.Hash("second"), 0), counter.Next("second"));
        Assert.Equal(("d9d1dc81ce73bf438df55e49455dcd449abef74e", 1), counter.Next("first"));
        Assert.Equal((StepId.Hash("first:2"), 2), counter.Next("first"));
    }

    [Fact]
    public void Unwrap_follows_the_sdk_rules()
    {
        Assert.Equal("1", StepResult.Unwrap(System.Text.Json.Nodes.JsonNode.Parse("""{"data":1}""")).Data!.ToJsonString());
        Assert.Equal("2", StepResult.Unwrap(System.Text.Json.Nodes.JsonNode.Parse("""{"type":"data","data":2}""")).Data!.ToJsonString());
        Assert.NotNull(StepResult.Unwrap(System.Text.Json.Nodes.JsonNode.Parse("""{"error":{"message":"x"}}""")).Error);
        var bare = System.Text.Json.Nodes.JsonNode.Parse("""{"data":1,"other":2}""");
        Assert.Equal(bare!.ToJsonString(), StepResult.Unwrap(bare).Data!.ToJsonString());
        Assert.Null(StepResult.Unwrap(null).Data);
    }
}
