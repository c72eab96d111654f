using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A Discord execute-webhook stub: <c>POST /api/webhooks/{id}/{token}</c>; with <c>?wait=true</c> it answers
/// 200 with the created message (snowflake <c>id</c>, <c>channel_id</c>), without it 204, as Discord does.</summary>
public sealed class FakeDiscord : IAsyncDisposable
{
    private readonly ConcurrentQueue<JsonObject> _messages = new();
    private WebApplication _app = null!;
    private long _seq = 1_100_000_000_000_000_000;

    public Uri WebhookUrl { get; private set; } = null!;

    public IReadOnlyList<JsonObject> Messages => [.. _messages];

    public static async Task<FakeDiscord> StartAsync()
    {
        var fake = new FakeDiscord();
        (fake._app, var url) = await StubHost.StartAsync(app => app.MapPost("/api/webhooks/{id}/{token}", fake.ExecuteAsync));
        fake.WebhookUrl = new Uri(url, "/api/webhooks/42/secret-token");
        return fake;
    }

    private async Task<IResult> ExecuteAsync(string id, string token, HttpContext http)
    {
        if (token != "secret-token") return Results.Json(new { message = "Invalid Webhook Token", code = 50027 }, statusCode: 401);
        var body = await http.Request.ReadFromJsonAsync<JsonObject>() ?? [];
        if (body["content"] is null) return Results.Json(new { message = "Cannot send an empty message", code = 50006 }, statusCode: 400);
        var message = new JsonObject { ["id"] = Interlocked.Increment(ref _seq).ToString(System.Globalization.CultureInfo.InvariantCulture), ["channel_id"] = "555", ["content"] = body["content"]!.ToString(), ["webhook_id"] = id };
        _messages.Enqueue(message);
        return http.Request.Query["wait"] == "true" ? Results.Json(message) : Results.NoContent();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
