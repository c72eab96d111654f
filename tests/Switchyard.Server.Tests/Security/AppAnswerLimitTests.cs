using Microsoft.AspNetCore.Builder;
using System.Net.Http.Json;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Parsing;
using Switchyard.Protocol;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 2: an app's answer is a write path too (it becomes step outputs and run results), so an
/// answer nested past the depth limit fails the call with a clear error instead of being stored.</summary>
public sealed class AppAnswerLimitTests
{
    private static readonly Dictionary<string, string> FromSdk = new(StringComparer.OrdinalIgnoreCase) { [Headers.Sdk] = "js:v3.0.0" };

    [Theory]
    [InlineData(200)]
    [InlineData(206)]
    public void An_over_deep_answer_fails_the_call_naming_the_limit(int status)
    {
        var outcome = AppClient.Classify(status, FromSdk, Hostile.Nested(JsonLimits.MaxDepth + 8), 1, DateTimeOffset.UnixEpoch);
        var failed = Assert.IsType<CallOutcome.Failed>(outcome);
        Assert.Equal("ProtocolError", failed.Error["name"]!.GetValue<string>());
        Assert.Contains($"nested deeper than {JsonLimits.MaxDepth}", failed.Error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_at_the_limit_completes()
    {
        var outcome = AppClient.Classify(200, FromSdk, Hostile.Nested(JsonLimits.MaxDepth), 1, DateTimeOffset.UnixEpoch);
        Assert.IsType<CallOutcome.Completed>(outcome);
    }

    [Fact]
    public void A_streamed_answer_with_duplicate_keys_fails_the_call_without_throwing()
    {
        var outcome = AppClient.Classify(201, FromSdk, """{"status":200,"status":206,"body":"null"}""", 1, DateTimeOffset.UnixEpoch);
        Assert.IsType<CallOutcome.Failed>(outcome);
    }

    [Fact]
    public async Task An_answer_larger_than_the_cap_fails_the_run_once_without_reading_it_all()
    {
        var calls = 0;
        var (app, url) = await StubHost.StartAsync(a => a.MapPost("/{**path}", async (Microsoft.AspNetCore.Http.HttpContext http) =>
        {
            Interlocked.Increment(ref calls);
            http.Response.Headers[Headers.Sdk] = "js:v3.0.0";
            http.Response.ContentType = "application/json";
            // 20 MiB of one JSON string, streamed without a Content-Length: the cap must hold while reading.
            var chunk = System.Text.Encoding.UTF8.GetBytes(new string('x', 1024 * 1024));
            await http.Response.Body.WriteAsync("\""u8.ToArray());
            for (var i = 0; i < 20; i++) await http.Response.Body.WriteAsync(chunk);
            await http.Response.Body.WriteAsync("\""u8.ToArray());
        }));
        await using var _ = app;
        await using var server = await TestServer.StartAsync();
        var step = new Uri(url, "/api/big?fnId=big-answer&stepId=step").ToString();
        using (var register = await server.Http.PostAsJsonAsync("/fn/register", new
        {
            url = new Uri(url, "/api/big").ToString(), appName = "big", deployType = "ping", framework = "test", sdk = "test:v1", v = "0.1",
            functions = new[] { new { id = "big-answer", name = "answer", triggers = new[] { new { @event = "big/answer" } }, steps = new { step = new { id = "step", name = "step", runtime = new { type = "http", url = step } } } } },
        }))
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        var eventId = await server.SendEventAsync("big/answer", new { });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        var run = await server.WaitForRunAsync(runId);
        Assert.Equal("Failed", run["run"]!["status"]!.GetValue<string>());
        Assert.Contains($"larger than {AppClient.MaxAnswerBytes / (1024 * 1024)} MiB", run["run"]!["error"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref calls));
    }
}
