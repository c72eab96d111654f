using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;

namespace Switchyard.Compat.Tests;

/// <summary>The JS app with streaming switched on: the server must unwrap the 201 envelopes.</summary>
public sealed class StreamingModeTests(StreamingModeFixture fixture) : IClassFixture<StreamingModeFixture>
{
    [Fact]
    public async Task Streamed_step_and_completion_answers_are_unwrapped()
    {
        var run = await fixture.RunAsync("compat/parallel", new { }, "compat-js-parallel");
        Assert.Equal("Completed", (string?)run["run"]!["status"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"parts":["A","B","C"],"after":"ABC"}"""), run["run"]!["output"]));
    }

    [Fact]
    public async Task The_app_really_streams()
    {
        // Proves the two other tests go through 201 envelopes: a direct call is answered 201 with the envelope.
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{fixture.Js.ServeUrl}?fnId=compat-js-steps&stepId=step",
            new StringContent("""{"event":{"name":"compat/steps","data":{"name":"Eve"}},"steps":{},"ctx":{"run_id":"01STREAMPROBE","attempt":0,"max_attempts":1},"version":-1}""",
                System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(201, (int)response.StatusCode);
        var envelope = JsonNode.Parse((await response.Content.ReadAsStringAsync()).TrimStart())!;
        Assert.Equal(206, (int?)envelope["status"]);
    }

    [Fact]
    public async Task A_streamed_non_retriable_error_fails_the_run_at_once()
    {
        var run = await fixture.RunAsync("compat/nonretriable", new { }, "compat-js-non-retriable");
        Assert.Equal("Failed", (string?)run["run"]!["status"]);
        Assert.Contains("nope, not retrying", run["run"]!["error"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(run["history"]!.AsArray(), h => (string?)h!["kind"] == "retry.scheduled");
    }
}
