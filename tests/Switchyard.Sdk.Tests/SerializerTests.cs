using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Sdk.Serialization;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

/// <summary><see cref="SwitchyardOptions.Serializer"/> with a source-generated context: event data, step results and
/// the function's result all go through it (the context's snake_case names show it).</summary>
public sealed class SerializerTests : IAsyncLifetime
{
    private readonly SdkHost _host = new(sdk => sdk.AddFunction<SnakeOrder>(),
        o => o.Serializer = new SystemTextJsonSerializer(SnakeJsonContext.Default));

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task ASourceGeneratedContextReadsEventsAndWritesResults()
    {
        var data = new JsonObject { ["order_id"] = "o-1", ["total_cents"] = 250 };
        var first = await _host.CallAsync("snake-order", data: data);
        Assert.Equal(206, first.Status);
        Assert.Equal(500, (int)first.Op["data"]!);

        var done = await _host.CallAsync("snake-order", data: data,
            steps: new JsonObject { [(string)first.Op["id"]!] = new JsonObject { ["type"] = "data", ["data"] = 500 } });
        Assert.Equal(200, done.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"order_id":"o-1","total_cents":250,"step_value":500}"""), done.Body), done.Body?.ToJsonString());
    }

    [Fact]
    public void ATypeTheContextDoesNotKnowFailsNamingIt()
    {
        var serializer = new SystemTextJsonSerializer(SnakeJsonContext.Default);

        var e = Assert.Throws<NotSupportedException>(() => serializer.Serialize(new Uri("http://x"), typeof(Uri)));
        Assert.Contains("Uri", e.Message, StringComparison.Ordinal);
        // Raw JSON passes through, so untyped (JsonObject) functions work with any context.
        Assert.Equal("""{"a":1}""", serializer.Serialize(new JsonObject { ["a"] = 1 }, typeof(JsonObject))!.ToJsonString());
    }

    [Fact]
    public void TheDefaultUsesWebNames()
    {
        var node = new SystemTextJsonSerializer().Serialize(new Order("o", 1), typeof(Order));
        Assert.Equal("""{"orderId":"o","totalCents":1}""", node!.ToJsonString());
        Assert.IsType<SystemTextJsonSerializer>(new SwitchyardOptions().Serializer);
        Assert.Same(JsonSerializerOptions.Web, ((SystemTextJsonSerializer)new SwitchyardOptions().Serializer).Options);
    }
}
