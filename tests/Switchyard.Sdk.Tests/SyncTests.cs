using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Tests;

[Collection(SdkHostCollection.Name)]
public sealed class SyncTests(SdkHost host) : IDisposable
{
    public void Dispose() => host.RegisterReply = (200, """{"ok":true,"modified":true}""");

    [Fact]
    public async Task PutRegistersEveryFunctionWithTheServer()
    {
        host.Registrations.Clear();
        var r = await host.SendAsync(HttpMethod.Put, host.ServeUrl.ToString(), """{"url":"http://app.test:3939/api/switchyard"}""");

        Assert.Equal(200, r.Status);
        Assert.Equal("out_of_band", r.Header("x-inngest-sync-kind"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Successfully registered","modified":true}"""), r.Body));

        var (query, headers, body) = Assert.Single(host.Registrations);
        Assert.Equal("out_of_band", headers["x-inngest-sync-kind"].ToString());
        Assert.Equal("http://app.test:3939/api/switchyard", (string?)body["url"]);
        Assert.Equal("test-app", (string?)body["appName"]);
        Assert.Equal("ping", (string?)body["deployType"]);
        Assert.Equal("aspnetcore", (string?)body["framework"]);
        Assert.Equal("dotnet:v0.1.0", (string?)body["sdk"]);
        Assert.Equal("0.1", (string?)body["v"]);
        var functions = body["functions"]!.AsArray();
        Assert.Equal(21, functions.Count);

        var greeting = functions.Single(f => (string?)f!["id"] == "test-app-greeting")!;
        var expected = JsonNode.Parse("""
            {"id":"test-app-greeting","name":"Greeting",
             "triggers":[{"event":"app/user.created","expression":"event.data.plan == 'pro'"},{"cron":"0 * * * *"}],
             "steps":{"step":{"id":"step","name":"step","runtime":{"type":"http",
               "url":"http://app.test:3939/api/switchyard?fnId=test-app-greeting&stepId=step"},"retries":{"attempts":2}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, greeting), greeting.ToJsonString());

        var oneStep = functions.Single(f => (string?)f!["id"] == "test-app-one-step")!;
        Assert.Equal("one-step", (string?)oneStep["name"]);
        Assert.Null(oneStep["steps"]!["step"]!["retries"]);
    }

    [Fact]
    public async Task PutWithoutAUrlUsesTheRequestUrlAndPassesTheDeployId()
    {
        host.Registrations.Clear();
        var r = await host.SendAsync(HttpMethod.Put, $"{host.ServeUrl}?deployId=dep-123", null);

        Assert.Equal(200, r.Status);
        var (query, headers, body) = Assert.Single(host.Registrations);
        Assert.Equal($"{host.ServeUrl}", (string?)body["url"]);
        Assert.Equal("dep-123", (string?)body["deployId"]);
        Assert.Equal("dep-123", query["deployId"].ToString());
    }

    [Fact]
    public async Task PutAnswersWithTheStatusFieldOfTheServersReply()
    {
        host.RegisterReply = (400, """{"status":400,"error":"App ID required"}""");
        var failed = await host.SendAsync(HttpMethod.Put, host.ServeUrl.ToString(), null);
        Assert.Equal(400, failed.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"App ID required","modified":false}"""), failed.Body));

        host.RegisterReply = (400, """{"error":"App ID required"}""");
        var noStatus = await host.SendAsync(HttpMethod.Put, host.ServeUrl.ToString(), null);
        Assert.Equal(200, noStatus.Status);

        host.RegisterReply = (502, "Bad gateway");
        var notJson = await host.SendAsync(HttpMethod.Put, host.ServeUrl.ToString(), null);
        Assert.Equal(500, notJson.Status);
    }

    [Fact]
    public async Task GetDescribesTheApp()
    {
        var r = await host.SendAsync(HttpMethod.Get, host.ServeUrl.ToString(), null);

        Assert.Equal(200, r.Status);
        Assert.Equal("dev", (string?)r.Body!["mode"]);
        Assert.Equal(21, (int)r.Body!["function_count"]!);
        Assert.Equal("2024-05-24", (string?)r.Body!["schema_version"]);
        Assert.Equal(false, (bool?)r.Body!["has_event_key"]);
        Assert.Equal(false, (bool?)r.Body!["has_signing_key"]);
        Assert.Equal("dotnet", (string?)r.Body!["sdk_language"]);
    }
}
