using System.Net;
using System.Text;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class SlackWebhookTests : IAsyncLifetime
{
    private const string Secret = "slack-signing-secret-for-tests";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Webhooks.SlackSecret = Secret);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject? Json, string Text, HttpResponseMessage Response)> DeliverAsync(byte[] body, long? ts = null)
    {
        var t = ts ?? Deliveries.UnixNow;
        return Deliveries.PostAsync(_server.Http, "slack", body,
            ("X-Slack-Request-Timestamp", t.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("X-Slack-Signature", Deliveries.Slack(Secret, t, body)));
    }

    [Fact]
    public async Task Url_verification_is_answered_with_the_challenge_and_stores_nothing()
    {
        var before = (await _server.GetAsync("/v1/events?prefix=slack/&count=1000"))["events"]!.AsArray().Count;
        var (status, _, text, response) = await DeliverAsync(Deliveries.Json(new { token = "t", challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type = "url_verification" }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", text);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, (await _server.GetAsync("/v1/events?prefix=slack/&count=1000"))["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_event_callback_becomes_slack_slash_event_type_with_the_event_id()
    {
        var eventId = "Ev" + Guid.NewGuid().ToString("N")[..10];
        var body = Deliveries.Json(new { type = "event_callback", team_id = "T1", event_id = eventId, @event = new { type = "message", channel = "C1", text = "deploy please" } });
        var (status, json, _, _) = await DeliverAsync(body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(eventId, json!["ids"]![0]!.GetValue<string>());
        var stored = (await _server.GetAsync($"/v1/events/{eventId}"))["event"]!;
        Assert.Equal("slack/message", stored["name"]!.GetValue<string>());
        Assert.Equal("deploy please", stored["data"]!["event"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused()
    {
        var body = Deliveries.Json(new { type = "event_callback", event_id = "EvStale", @event = new { type = "message" } });
        var (status, json, _, _) = await DeliverAsync(body, Deliveries.UnixNow - 301);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-Slack-Request-Timestamp", Deliveries.ErrorMessage(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slacks_documented_example_signature_verifies()
    {
        // api.slack.com "Verifying requests from Slack": the slash-command example, signed at 1531420618.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Webhooks.SlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
            o.Webhooks.TimestampTolerance = TimeSpan.FromDays(365 * 100);
        });
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        var (status, json, _, _) = await Deliveries.PostAsync(server.Http, "slack", Encoding.UTF8.GetBytes(body),
            ("X-Slack-Request-Timestamp", "1531420618"), ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"));
        // Verified (not 401); a form-encoded slash command is not JSON, hence 400.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", Deliveries.ErrorCode(json));
    }
}
