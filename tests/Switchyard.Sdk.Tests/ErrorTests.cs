using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Tests;

[Collection(SdkHostCollection.Name)]
public sealed class ErrorTests(SdkHost host)
{
    private const string Boom = "c53d2f1a9a8499bcb477be56c31caa5c76ae60f5";

    [Fact]
    public async Task StepErrorBeforeTheFinalAttemptIsARetriableStepError()
    {
        var r = await host.CallAsync("failing-step", attempt: 0, maxAttempts: 3);

        Assert.Equal(206, r.Status);
        Assert.Equal("false", r.Header("x-inngest-no-retry"));
        Assert.Equal(Boom, (string?)r.Op["id"]);
        Assert.Equal("StepError", (string?)r.Op["op"]);
        Assert.Equal("InvalidOperationException", (string?)r.Op["error"]!["name"]);
        Assert.Equal("step exploded", (string?)r.Op["error"]!["message"]);
        Assert.Equal(true, (bool?)r.Op["error"]!["__serialized"]);
        Assert.Null(r.Op["data"]);
    }

    [Fact]
    public async Task StepErrorOnTheFinalAttemptIsStepFailed()
    {
        var r = await host.CallAsync("failing-step", attempt: 2, maxAttempts: 3);

        Assert.Equal(206, r.Status);
        Assert.Equal("true", r.Header("x-inngest-no-retry"));
        Assert.Equal("StepFailed", (string?)r.Op["op"]);
        Assert.Equal("step exploded", (string?)r.Op["error"]!["message"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"name":"InvalidOperationException","message":"step exploded","stack":"","__serialized":true}"""), r.Op["data"]));
    }

    [Fact]
    public async Task MemoizedStepErrorLeftUncaughtFailsTheRun()
    {
        var steps = new JsonObject { [Boom] = JsonNode.Parse("""{"type":"error","error":{"name":"Error","message":"step exploded","stack":""}}""") };
        var r = await host.CallAsync("failing-step", steps: steps);

        Assert.Equal(400, r.Status);
        Assert.Equal("true", r.Header("x-inngest-no-retry"));
        Assert.Equal("Error", (string?)r.Body!["name"]);
        Assert.Equal("step exploded", (string?)r.Body!["message"]);
    }

    [Fact]
    public async Task NonRetriableExceptionInAStepFailsItAtOnceAndCanBeCaught()
    {
        var r = await host.CallAsync("non-retriable-step", attempt: 0, maxAttempts: 4);
        Assert.Equal("StepFailed", (string?)r.Op["op"]);
        Assert.Equal("true", r.Header("x-inngest-no-retry"));

        var steps = new JsonObject { [(string)r.Op["id"]!] = new JsonObject { ["error"] = r.Op["error"]!.DeepClone() } };
        var caught = await host.CallAsync("non-retriable-step", steps: steps);
        Assert.Equal(200, caught.Status);
        Assert.Equal("never again", (string?)caught.Body!["caught"]);
        Assert.Equal("NonRetriableException", (string?)caught.Body!["errorName"]);
    }

    [Fact]
    public async Task NonRetriableExceptionInTheFunctionAnswers400()
    {
        var r = await host.CallAsync("thrower", data: new JsonObject { ["kind"] = "non-retriable" });

        Assert.Equal(400, r.Status);
        Assert.Equal("true", r.Header("x-inngest-no-retry"));
        Assert.Equal("NonRetriableException", (string?)r.Body!["name"]);
        Assert.Equal("nope, not retrying", (string?)r.Body!["message"]);
        Assert.Equal(true, (bool?)r.Body!["__serialized"]);
        Assert.StartsWith("NonRetriableException: nope, not retrying", (string?)r.Body!["stack"]);
    }

    [Fact]
    public async Task RetryAfterExceptionSetsRetryAfter()
    {
        var seconds = await host.CallAsync("thrower", data: new JsonObject { ["kind"] = "retry-after" });
        Assert.Equal(500, seconds.Status);
        Assert.Equal("false", seconds.Header("x-inngest-no-retry"));
        Assert.Equal("30", seconds.Header("retry-after"));

        var instant = await host.CallAsync("thrower", data: new JsonObject { ["kind"] = "retry-at" });
        Assert.Equal("2030-01-01T00:00:00.000Z", instant.Header("retry-after"));
    }

    [Fact]
    public async Task FunctionErrorIsRetriableUntilTheFinalAttempt()
    {
        var first = await host.CallAsync("thrower", attempt: 0, maxAttempts: 4);
        Assert.Equal(500, first.Status);
        Assert.Equal("false", first.Header("x-inngest-no-retry"));
        Assert.Equal("InvalidOperationException", (string?)first.Body!["name"]);
        Assert.Equal("generic failure", (string?)first.Body!["message"]);

        var last = await host.CallAsync("thrower", attempt: 3, maxAttempts: 4);
        Assert.Equal(400, last.Status);
        Assert.Equal("true", last.Header("x-inngest-no-retry"));
    }

    [Fact]
    public async Task UnknownFunctionAnswers500()
    {
        var r = await host.CallAsync("nope");

        Assert.Equal(500, r.Status);
        Assert.Equal("Function \"test-app-nope\" was not found in this app; is the app synced correctly?", (string?)r.Body!["message"]);
        Assert.Equal("switchyard-dotnet:v0.1.0", r.Header("x-inngest-sdk"));
    }

    [Fact]
    public async Task BadRequestsAreRefused()
    {
        var empty = await host.SendAsync(HttpMethod.Post, $"{host.ServeUrl}?fnId=test-app-one-step&stepId=step", null);
        Assert.Equal(401, empty.Status);
        Assert.Equal("Unauthorized", (string?)empty.Body!["message"]);
        Assert.Null(empty.Header("x-inngest-sdk"));

        var garbage = await host.SendAsync(HttpMethod.Post, $"{host.ServeUrl}?fnId=test-app-one-step&stepId=step", "{\"event\":42}");
        Assert.Equal(500, garbage.Status);
        Assert.StartsWith("Failed to parse data from executor", (string?)garbage.Body!["message"]);

        var delete = await host.SendAsync(HttpMethod.Delete, host.ServeUrl.ToString(), null);
        Assert.Equal(405, delete.Status);
    }
}
