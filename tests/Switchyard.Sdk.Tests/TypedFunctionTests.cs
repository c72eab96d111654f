using System.Text.Json.Nodes;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

/// <summary>Typed functions (<c>SwitchyardFunction&lt;TData, TResult&gt;</c>), typed invokes, the …Async step names
/// with their cancellation tokens, and the obsolete names kept for a release.</summary>
public sealed class TypedFunctionTests : IAsyncLifetime
{
    private readonly SdkHost _host = new(sdk => sdk
        .AddFunction<TypedReport>()
        .AddFunction<TypedInvoker>()
        .AddFunction<CancellableStep>()
        .AddFunction<LegacyNames>());

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    private static JsonObject Data(JsonNode? value) => new() { ["type"] = "data", ["data"] = value };

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public async Task TypedFunctionReadsTypedDataAndReturnsATypedResult()
    {
        var data = new JsonObject { ["user"] = "ada", ["pages"] = 3 };
        var first = await _host.CallAsync("typed-report", data: data, eventName: "test/report");
        Assert.Equal(206, first.Status);
        Assert.Equal(6, (int)first.Op["data"]!);

        var done = await _host.CallAsync("typed-report", data: data, eventName: "test/report",
            steps: new JsonObject { [(string)first.Op["id"]!] = Data(6) });
        Assert.Equal(200, done.Status);
        AssertJson("""{"user":"ada","pages":6,"sent":true}""", done.Body);
    }

    [Fact]
    public async Task TypedInvokeNamesTheFunctionByItsTypeAndReadsItsTypedResult()
    {
        var data = new JsonObject { ["user"] = "ada", ["pages"] = 3 };
        var byRef = await _host.CallAsync("typed-invoker", data: data, eventName: "test/report");
        Assert.Equal("InvokeFunction", (string?)byRef.Op["op"]);
        AssertJson("""{"function_id":"test-app-typed-report","payload":{"data":{"user":"ada","pages":3}},"timeout":"1m"}""", byRef.Op["opts"]);

        var steps = new JsonObject { [(string)byRef.Op["id"]!] = Data(JsonNode.Parse("""{"user":"ada","pages":6,"sent":true}""")) };
        var byType = await _host.CallAsync("typed-invoker", data: data, eventName: "test/report", steps: steps);
        Assert.Equal("InvokeFunction", (string?)byType.Op["op"]);
        AssertJson("""{"function_id":"test-app-typed-report","payload":{"data":{"user":"ada","pages":1}}}""", byType.Op["opts"]);

        steps[(string)byType.Op["id"]!] = Data(JsonNode.Parse("""{"user":"ada","pages":2,"sent":true}"""));
        var done = await _host.CallAsync("typed-invoker", data: data, eventName: "test/report", steps: steps);
        Assert.Equal(200, done.Status);
        Assert.Equal(8, (int)done.Body!);
        Assert.Equal("typed-report", FunctionRef<ReportRequest, Report>.To<TypedReport>().ToString());
    }

    [Fact]
    public async Task StepTokenIsCanceledWhenTheCallEnds()
    {
        using var caller = new CancellationTokenSource();
        var call = _host.CallAsync("cancellable", data: new JsonObject { ["user"] = "ada", ["pages"] = 1 }, eventName: "test/report", cancellationToken: caller.Token);
        await CancellableStep.Started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(CancellableStep.Canceled.Task.IsCompleted);

        // The server gives up on the call (its timeout, or the run was canceled): the connection closes.
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await CancellableStep.Canceled.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ObsoleteStepNamesStillRunTheStep()
    {
        var r = await _host.CallAsync("legacy-names", data: new JsonObject { ["user"] = "ada", ["pages"] = 4 }, eventName: "test/report");
        Assert.Equal("StepRun", (string?)r.Op["op"]);
        Assert.Equal("old", (string?)r.Op["displayName"]);
        Assert.Equal(5, (int)r.Op["data"]!);
        Assert.Contains(typeof(StepTools).GetMethods(), m => m.Name == "Run" && m.GetCustomAttributes(typeof(ObsoleteAttribute), false).Length == 1);
    }
}
