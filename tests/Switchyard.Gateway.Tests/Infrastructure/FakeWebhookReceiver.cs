using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Channels;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A receiver of the generic webhook channel: checks the HMAC signature over <c>timestamp.body</c> and
/// answers <c>{id}</c>; a bad signature gets 401.</summary>
public sealed class FakeWebhookReceiver : IAsyncDisposable
{
    public const string Secret = "hook-secret";

    private readonly ConcurrentQueue<JsonObject> _received = new();
    private WebApplication _app = null!;
    private int _seq;

    public Uri Url { get; private set; } = null!;
    private int _rejected;

    public int Rejected => Volatile.Read(ref _rejected);

    public IReadOnlyList<JsonObject> Received => [.. _received];

    public static async Task<FakeWebhookReceiver> StartAsync()
    {
        var fake = new FakeWebhookReceiver();
        (fake._app, var url) = await StubHost.StartAsync(app => app.MapPost("/hook", (Delegate)fake.ReceiveAsync));
        fake.Url = new Uri(url, "/hook");
        return fake;
    }

    private async Task<IResult> ReceiveAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var timestamp = long.Parse(http.Request.Headers[WebhookSignature.TimestampHeader].ToString(), CultureInfo.InvariantCulture);
        var expected = WebhookSignature.Sign(Secret, timestamp, buffer.ToArray());
        if (http.Request.Headers[WebhookSignature.SignatureHeader].ToString() != expected)
        {
            Interlocked.Increment(ref _rejected);
            return Results.StatusCode(401);
        }
        _received.Enqueue(JsonNode.Parse(buffer.ToArray())!.AsObject());
        return Results.Json(new { id = $"hook-{Interlocked.Increment(ref _seq)}" });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
