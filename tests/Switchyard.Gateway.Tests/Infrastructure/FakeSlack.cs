using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A Slack stub: the Web API's <c>POST /api/chat.postMessage</c> with a bearer bot token, answering
/// <c>{ok, channel, ts, message}</c> or <c>{ok:false, error}</c> as Slack does (HTTP 200 either way); and an incoming
/// webhook at <c>/services/T0/B0/X0</c>, answering the bare text <c>ok</c>.</summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string BotToken = "xoxb-test-token";

    private readonly ConcurrentQueue<JsonObject> _posted = new();
    private WebApplication _app = null!;
    private int _seq;

    public Uri ApiUrl { get; private set; } = null!;

    public Uri IncomingWebhookUrl { get; private set; } = null!;

    /// <summary>When set, chat.postMessage answers {ok:false, error: this}.</summary>
    public string? FailWith { get; set; }

    public IReadOnlyList<JsonObject> Posted => [.. _posted];

    public static async Task<FakeSlack> StartAsync()
    {
        var fake = new FakeSlack();
        (fake._app, var url) = await StubHost.StartAsync(app =>
        {
            app.MapPost("/api/chat.postMessage", (Delegate)fake.PostMessageAsync);
            app.MapPost("/services/T0/B0/X0", async (HttpContext http) =>
            {
                var body = await http.Request.ReadFromJsonAsync<JsonObject>() ?? [];
                fake._posted.Enqueue(body);
                return Results.Text("ok");
            });
        });
        fake.ApiUrl = new Uri(url, "/api/");
        fake.IncomingWebhookUrl = new Uri(url, "/services/T0/B0/X0");
        return fake;
    }

    private async Task<IResult> PostMessageAsync(HttpContext http)
    {
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + BotToken) return Results.Json(new { ok = false, error = "invalid_auth" });
        var body = await http.Request.ReadFromJsonAsync<JsonObject>() ?? [];
        if (FailWith is { } error) return Results.Json(new { ok = false, error });
        if (body["channel"] is null) return Results.Json(new { ok = false, error = "channel_not_found" });
        var ts = $"1700000000.{Interlocked.Increment(ref _seq):D6}";
        body["ts"] = ts;
        _posted.Enqueue(body);
        return Results.Json(new { ok = true, channel = body["channel"]!.ToString(), ts, message = new { text = body["text"]?.ToString(), ts, type = "message" } });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
