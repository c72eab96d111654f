using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Channels;

namespace Switchyard.Gateway.Inbound;

/// <summary>Slack's inbound side for a channel with a <c>signing_secret</c>: the Events API at
/// <c>POST /slack/{channel}/events</c> (<c>url_verification</c> answered with its challenge; <c>message</c> and
/// <c>app_mention</c> events become <c>gateway/message.received</c>, keyed by <c>event_id</c>) and interactivity at
/// <c>POST /slack/{channel}/interactions</c> (button presses become <c>gateway/action.received</c>). Every request
/// must carry a valid <c>X-Slack-Signature</c> (<c>v0=</c> HMAC-SHA256 of <c>v0:&lt;timestamp&gt;:&lt;body&gt;</c>) with a
/// timestamp within five minutes, as the server's Slack webhook provider checks it.</summary>
internal sealed class SlackInbound(ChannelDirectory channels, InboundRelay relay, TimeProvider time)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const int MaxBody = 256 * 1024;

    public async Task<IResult> EventsAsync(string channel, HttpContext http)
    {
        var (c, body, problem) = await VerifiedAsync(channel, http);
        if (problem is not null) return problem;
        JsonNode? payload;
        try { payload = JsonNode.Parse(body); }
        catch (JsonException ex) { return Error(400, "invalid_json", ex.Message); }
        switch (payload?["type"]?.GetValue<string>())
        {
            case "url_verification":
                return Results.Text(payload["challenge"]?.GetValue<string>() ?? "", "text/plain");
            case "event_callback":
                var e = payload["event"];
                var type = e?["type"]?.GetValue<string>();
                // Bot messages (our own notifications included) and edits are not people talking to the system.
                if (type is not ("message" or "app_mention") || e?["bot_id"] is not null || e?["subtype"] is not null)
                    return Results.Json(new { ok = true, ignored = type });
                var id = await relay.RelayAsync(new InboundMessage(c!.Name, "slack", payload["event_id"]?.GetValue<string>() ?? e!["ts"]!.GetValue<string>(),
                    e!["user"]?.GetValue<string>() ?? "", null, e["channel"]?.GetValue<string>() ?? "", e["ts"]?.GetValue<string>(), e["text"]?.GetValue<string>() ?? ""), http.RequestAborted);
                return Results.Json(new { ok = true, eventId = id });
            default:
                return Results.Json(new { ok = true, ignored = payload?["type"]?.ToString() });
        }
    }

    public async Task<IResult> InteractionsAsync(string channel, HttpContext http)
    {
        var (c, body, problem) = await VerifiedAsync(channel, http);
        if (problem is not null) return problem;
        // Interactivity posts application/x-www-form-urlencoded with the JSON in "payload".
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        JsonNode? payload;
        try { payload = JsonNode.Parse(form.TryGetValue("payload", out var p) ? p.ToString() : ""); }
        catch (JsonException ex) { return Error(400, "invalid_payload", ex.Message); }
        if (payload?["type"]?.GetValue<string>() != "block_actions") return Results.Json(new { ok = true, ignored = payload?["type"]?.ToString() });
        var ids = new List<string?>();
        foreach (var action in payload["actions"]?.AsArray() ?? [])
        {
            var updateId = $"{payload["trigger_id"] ?? payload["container"]?["message_ts"]}-{action?["action_id"]}-{action?["action_ts"]}";
            ids.Add(await relay.RelayAsync(new InboundMessage(c!.Name, "slack", updateId, payload["user"]?["id"]?.GetValue<string>() ?? "",
                payload["user"]?["username"]?.GetValue<string>(), payload["channel"]?["id"]?.GetValue<string>() ?? payload["container"]?["channel_id"]?.GetValue<string>() ?? "",
                payload["container"]?["message_ts"]?.GetValue<string>(), null, action?["value"]?.GetValue<string>() ?? ""), http.RequestAborted));
        }
        return Results.Json(new { ok = true, eventIds = ids });
    }

    private async Task<(IChannel? Channel, byte[] Body, IResult? Problem)> VerifiedAsync(string name, HttpContext http)
    {
        var channel = channels.Find(name);
        if (channel is not { Config: { Type: "slack", SigningSecret: { } secret } })
            return (null, [], Error(404, "unknown_channel", $"no slack channel '{name}' with a signing_secret"));
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > MaxBody) return (null, [], Error(413, "body_too_large", $"body is larger than {MaxBody} bytes"));
        var body = buffer.ToArray();
        var signature = http.Request.Headers["X-Slack-Signature"].ToString();
        var timestamp = http.Request.Headers["X-Slack-Request-Timestamp"].ToString();
        if (!signature.StartsWith("v0=", StringComparison.Ordinal)) return (null, [], Error(401, "invalid_signature", "missing X-Slack-Signature: v0=<hex>"));
        if (!long.TryParse(timestamp, CultureInfo.InvariantCulture, out var ts) || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - ts) > Tolerance.TotalSeconds)
            return (null, [], Error(401, "stale_timestamp", "X-Slack-Request-Timestamp is missing or more than 5 minutes off"));
        if (!WebhookSignature.HexEquals(signature[3..], WebhookSignature.Hex(secret, $"v0:{timestamp}:", body)))
            return (null, [], Error(401, "invalid_signature", "X-Slack-Signature does not match the request signed with the channel's signing_secret"));
        return (channel, body, null);
    }

    private static IResult Error(int status, string code, string message) => Results.Json(new { error = new { code, message } }, statusCode: status);
}
