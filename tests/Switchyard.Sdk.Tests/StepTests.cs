using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

[Collection(SdkHostCollection.Name)]
public sealed class StepTests(SdkHost host)
{
    private static JsonObject Memo(string hash, JsonNode? value) => new() { [hash] = value };

    private static JsonObject Data(JsonNode? value) => new() { ["type"] = "data", ["data"] = value };

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    [Fact]
    public async Task OneStepRunsInlineThenCompletesFromItsMemoizedValue()
    {
        const string hash = "dadbfeaa88b492f66779bb5433a28fe45acbca3c";
        var first = await host.CallAsync("one-step", data: new JsonObject { ["name"] = "Ada" });

        Assert.Equal(206, first.Status);
        Assert.Equal("switchyard-dotnet:v0.1.0", first.Header("x-inngest-sdk"));
        Assert.Equal("2", first.Header("x-inngest-req-version"));
        Assert.Equal("aspnetcore", first.Header("x-inngest-framework"));
        var op = first.Op;
        Assert.Equal(hash, (string?)op["id"]);
        Assert.Equal("StepRun", (string?)op["op"]);
        Assert.Equal("say-hello", (string?)op["name"]);
        Assert.Equal("say-hello", (string?)op["displayName"]);
        AssertJson("{}", op["opts"]);
        AssertJson("""{"id":"say-hello"}""", op["userland"]);
        AssertJson("""{"hello":"Ada"}""", op["data"]);
        Assert.True((long)op["timing"]!["a"]! > 1_700_000_000_000_000_000);
        Assert.True((long)op["timing"]!["b"]! >= 0);

        var wrapped = await host.CallAsync("one-step", data: new JsonObject { ["name"] = "Ada" }, steps: Memo(hash, Data(op["data"]!.DeepClone())));
        Assert.Equal(200, wrapped.Status);
        AssertJson("""{"done":true,"r":{"hello":"Ada"}}""", wrapped.Body);

        var bare = await host.CallAsync("one-step", data: new JsonObject { ["name"] = "Ada" }, steps: Memo(hash, JsonNode.Parse("""{"hello":"Ada"}""")));
        Assert.Equal(200, bare.Status);
        AssertJson("""{"done":true,"r":{"hello":"Ada"}}""", bare.Body);
    }

    [Fact]
    public async Task RepeatedStepIdsAreNumbered()
    {
        const string first = "e0996a37c13d44c3b06074939d43fa3759bd32c1", second = "352f7829a2384b001cc12b0c2613c756454a1f6a", again = "d9d1dc81ce73bf438df55e49455dcd449abef74e";

        var r1 = await host.CallAsync("sequential");
        Assert.Equal(first, (string?)r1.Op["id"]);
        Assert.Equal(1, (int)r1.Op["data"]!);

        var steps = Memo(first, Data(1));
        var r2 = await host.CallAsync("sequential", steps: steps);
        Assert.Equal(second, (string?)r2.Op["id"]);

        steps[second] = Data(2);
        var r3 = await host.CallAsync("sequential", steps: steps);
        Assert.Equal(again, (string?)r3.Op["id"]);
        Assert.Equal("StepRun", (string?)r3.Op["op"]);
        AssertJson("""{"id":"first","index":1}""", r3.Op["userland"]);
        Assert.Equal(3, (int)r3.Op["data"]!);

        steps[again] = Data(3);
        var r4 = await host.CallAsync("sequential", steps: steps);
        Assert.Equal(200, r4.Status);
        AssertJson("""{"a":1,"b":2,"c":3}""", r4.Body);
    }

    [Fact]
    public async Task ParallelStepsArePlannedAndExecutedOneByOne()
    {
        const string a = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", b = "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98";

        var discovery = await host.CallAsync("parallel");
        Assert.Equal(206, discovery.Status);
        Assert.Equal(2, discovery.Ops.Count);
        Assert.Equal([a, b], discovery.Ops.Select(o => (string?)o!["id"]));
        Assert.All(discovery.Ops, o => Assert.Equal("StepPlanned", (string?)o!["op"]));
        Assert.Equal(["a", "b"], discovery.Ops.Select(o => (string?)o!["name"]));

        var runsOfB = ParallelSteps.BRuns;
        var runA = await host.CallAsync("parallel", stepId: a, disableImmediateExecution: true);
        Assert.Equal(206, runA.Status);
        Assert.Equal(a, (string?)runA.Op["id"]);
        Assert.Equal("StepRun", (string?)runA.Op["op"]);
        Assert.Equal("A", (string?)runA.Op["data"]);
        Assert.Equal(runsOfB, ParallelSteps.BRuns);

        var replanned = await host.CallAsync("parallel", steps: Memo(a, Data("A")), disableImmediateExecution: true);
        Assert.Equal(b, (string?)replanned.Op["id"]);
        Assert.Equal("StepPlanned", (string?)replanned.Op["op"]);

        var inline = await host.CallAsync("parallel", steps: Memo(a, Data("A")), disableImmediateExecution: false);
        Assert.Equal("StepRun", (string?)inline.Op["op"]);
        Assert.Equal("B", (string?)inline.Op["data"]);

        var runB = await host.CallAsync("parallel", stepId: b, steps: Memo(a, Data("A")), disableImmediateExecution: true);
        Assert.Equal("B", (string?)runB.Op["data"]);

        var steps = Memo(a, Data("A"));
        steps[b] = Data("B");
        var done = await host.CallAsync("parallel", steps: steps, disableImmediateExecution: true);
        Assert.Equal(200, done.Status);
        Assert.Equal("AB", (string?)done.Body);
    }

    [Fact]
    public async Task UnreachableRequestedStepAnswers500AfterTheTimeout()
    {
        var missing = Switchyard.Protocol.Steps.StepId.Hash("does-not-exist");
        var r = await host.CallAsync("parallel", stepId: missing, disableImmediateExecution: true);

        Assert.Equal(500, r.Status);
        Assert.Equal("false", r.Header("x-inngest-no-retry"));
        Assert.StartsWith($"Could not find step \"{missing}\"", (string?)r.Body!["error"]);
        Assert.Equal(missing, (string?)r.Body!["requestedStep"]);
        Assert.Equal(2, (int)r.Body!["totalFoundSteps"]!);
        Assert.Equal("a", (string?)r.Body!["foundSteps"]![0]!["name"]);
    }

    [Fact]
    public async Task StepsReachedAfterRealIoAreAllReported()
    {
        var r = await host.CallAsync("io-then-parallel");

        Assert.Equal(206, r.Status);
        Assert.Equal(["x", "yy"], r.Ops.Select(o => (string?)o!["displayName"]));
        Assert.All(r.Ops, o => Assert.Equal("StepPlanned", (string?)o!["op"]));
    }

    [Fact]
    public async Task SleepReportsItsDurationAsName()
    {
        const string nap = "c2640f79b4ed481b838ce4ad75330aa3f825d4d9";
        var r = await host.CallAsync("sleep");

        Assert.Equal(206, r.Status);
        Assert.Equal(nap, (string?)r.Op["id"]);
        Assert.Equal("Sleep", (string?)r.Op["op"]);
        Assert.Equal("10s", (string?)r.Op["name"]);
        Assert.Equal("nap", (string?)r.Op["displayName"]);
        AssertJson("{}", r.Op["opts"]);
        Assert.Null(r.Op["timing"]);

        var woke = await host.CallAsync("sleep", steps: Memo(nap, null));
        Assert.Equal(200, woke.Status);
        Assert.Equal("woke", (string?)woke.Body);
    }

    [Fact]
    public async Task SleepUntilReportsAnIsoInstantAsName()
    {
        var r = await host.CallAsync("sleep-until");

        Assert.Equal("Sleep", (string?)r.Op["op"]);
        Assert.Equal("2030-01-01T00:00:00.000Z", (string?)r.Op["name"]);
        Assert.Equal("until", (string?)r.Op["displayName"]);
    }

    [Fact]
    public async Task WaitForEventTurnsMatchIntoAnIfExpression()
    {
        const string hash = "52d6d70be88c909163f360e150ac664cf5296ef0";
        var r = await host.CallAsync("wait");

        Assert.Equal(hash, (string?)r.Op["id"]);
        Assert.Equal("WaitForEvent", (string?)r.Op["op"]);
        Assert.Equal("probe/approved", (string?)r.Op["name"]);
        Assert.Equal("wait-for-approval", (string?)r.Op["displayName"]);
        AssertJson("""{"timeout":"1h","if":"event.data.id == async.data.id"}""", r.Op["opts"]);

        var approved = JsonNode.Parse("""{"name":"probe/approved","data":{"id":"42","ok":true},"id":"01HZZ","ts":1732650000000}""");
        var got = await host.CallAsync("wait", steps: Memo(hash, approved));
        Assert.Equal(200, got.Status);
        AssertJson("""{"got":{"id":"42","ok":true},"name":"probe/approved"}""", got.Body);

        var timedOut = await host.CallAsync("wait", steps: Memo(hash, null));
        AssertJson("""{"got":null,"name":null}""", timedOut.Body);
    }

    [Fact]
    public async Task InvokeByFullIdReachesAFunctionOfAnotherApp()
    {
        var r = await host.CallAsync("invoke-other-app");

        Assert.Equal("InvokeFunction", (string?)r.Op["op"]);
        AssertJson("""{"function_id":"js-app-child","payload":{"data":{"name":"inv"}}}""", r.Op["opts"]);
        Assert.Equal("js-app-child", FunctionRef.ById("js-app-child").ToString());
        Assert.Throws<ArgumentException>(() => FunctionRef.ById(" "));
    }

    [Fact]
    public async Task InvokeReportsTheCompositeFunctionIdAndPayload()
    {
        const string hash = "61cc4ebbc8d4597ce3f850ce5878167933f73ebb";
        var r = await host.CallAsync("invoke");

        Assert.Equal(hash, (string?)r.Op["id"]);
        Assert.Equal("InvokeFunction", (string?)r.Op["op"]);
        Assert.Equal("call-one", (string?)r.Op["displayName"]);
        AssertJson("""{"function_id":"test-app-one-step","payload":{"data":{"name":"inv"}},"timeout":"5m"}""", r.Op["opts"]);

        var ok = await host.CallAsync("invoke", steps: Memo(hash, JsonNode.Parse("""{"data":{"done":true}}""")));
        Assert.Equal(200, ok.Status);
        AssertJson("""{"child":{"done":true}}""", ok.Body);

        var failed = await host.CallAsync("invoke", steps: Memo(hash, JsonNode.Parse("""{"type":"error","error":{"name":"Error","message":"invoked fn failed"}}""")));
        Assert.Equal(400, failed.Status);
        Assert.Equal("true", failed.Header("x-inngest-no-retry"));
        Assert.Equal("Error", (string?)failed.Body!["name"]);
        Assert.Equal("invoked fn failed", (string?)failed.Body!["message"]);
        Assert.Equal(true, (bool?)failed.Body!["__serialized"]);
    }

    [Fact]
    public async Task SendEventPostsTheEventsAndReportsTheirIds()
    {
        const string hash = "5cebd8c5d37b62f215b8c2df6df03b6d391aabda";
        host.SentEvents.Clear();
        var r = await host.CallAsync("send");

        Assert.Equal(hash, (string?)r.Op["id"]);
        Assert.Equal("StepRun", (string?)r.Op["op"]);
        Assert.Equal("sendEvent", (string?)r.Op["name"]);
        Assert.Equal("send-it", (string?)r.Op["displayName"]);
        AssertJson("""{"type":"step.sendEvent"}""", r.Op["opts"]);
        AssertJson("""{"ids":["01TESTEVENT0"]}""", r.Op["data"]);
        var (key, events) = Assert.Single(host.SentEvents);
        Assert.Equal("NO_EVENT_KEY_SET", key);
        var sent = Assert.Single(events)!;
        Assert.Equal("probe/sent", (string?)sent["name"]);
        AssertJson("""{"x":1}""", sent["data"]);
        Assert.True((long)sent["ts"]! > 1_700_000_000_000);

        var done = await host.CallAsync("send", steps: Memo(hash, Data(r.Op["data"]!.DeepClone())));
        AssertJson("""{"ids":["01TESTEVENT0"]}""", done.Body);
    }

    [Fact]
    public async Task FunctionsGetTheirDependenciesAndTypedEventData()
    {
        var data = new JsonObject { ["name"] = "Ada", ["plan"] = "pro" };
        var r = await host.CallAsync("greeting", data: data, eventName: "app/user.created");
        Assert.Equal("Hello, Ada!", (string?)r.Op["data"]);

        var done = await host.CallAsync("greeting", data: data, eventName: "app/user.created", steps: Memo((string)r.Op["id"]!, Data("Hello, Ada!")));
        AssertJson("""{"greeting":"Hello, Ada!","plan":"pro"}""", done.Body);
    }

    [Fact]
    public async Task ClientSendsEventsToTheServer()
    {
        host.SentEvents.Clear();
        var client = host.Services.GetRequiredService<SwitchyardClient>();

        var ids = await client.SendAsync([new Event("a/one", new { n = 1 }) { Id = "dedupe-1" }, new Event("a/two")]);

        Assert.Equal(["01TESTEVENT0", "01TESTEVENT1"], ids);
        var (_, events) = Assert.Single(host.SentEvents);
        Assert.Equal("dedupe-1", (string?)events[0]!["id"]);
        AssertJson("{}", events[1]!["data"]);
    }

    [Fact]
    public async Task ClientStampsEventsWithoutATimestampOnTheAppsClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var clocked = new SdkHost(signingKey: null, time: clock);
        await clocked.InitializeAsync();
        try
        {
            await clocked.Services.GetRequiredService<SwitchyardClient>().SendAsync(new Event("a/stamped"));
            var (_, events) = Assert.Single(clocked.SentEvents);
            Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)events[0]!["ts"]!);
        }
        finally
        {
            await clocked.DisposeAsync();
        }
    }
}
