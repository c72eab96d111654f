using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests;

/// <summary><c>POST /slack/{channel}/interactions</c>: a signed button press from an allowed user becomes a bus event
/// carrying the button's value; a forged signature or a timestamp more than five minutes off is a 401 and other
/// interaction types are ignored.</summary>
public sealed class SlackInteractionsTests
{
    private const string Secret = "slack-interactions-secret";

    [Fact]
    public async Task A_signed_button_press_becomes_an_event_with_the_buttons_value()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await StartAsync(server);
        const string press = """{"type":"block_actions","trigger_id":"T42","user":{"id":"U1","username":"ada"},"channel":{"id":"C9"},"container":{"message_ts":"1700000000.000100","channel_id":"C9"},"actions":[{"action_id":"approve","action_ts":"1700000001.1","value":"deploy:yes"}]}""";

        using var ok = await PostAsync(gateway, Secret, press);
        Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());
        var answer = System.Text.Json.Nodes.JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        var id = answer["eventIds"]!.AsArray().Single()!.GetValue<string>();
        var stored = (await server.GetAsync($"/v1/events/{id}"))["event"]!;
        Assert.Equal("gateway/action.received", stored["name"]!.GetValue<string>());
        Assert.Equal("deploy:yes", stored["data"]!["data"]!.GetValue<string>());
        Assert.Equal(("U1", "C9", "slack"), (stored["data"]!["userId"]!.GetValue<string>(), stored["data"]!["chatId"]!.GetValue<string>(), stored["data"]!["platform"]!.GetValue<string>()));

        using var forged = await PostAsync(gateway, "wrong-secret", press.Replace("T42", "T43", StringComparison.Ordinal));
        Assert.Equal(401, (int)forged.StatusCode);
        using var other = await PostAsync(gateway, Secret, """{"type":"view_submission","user":{"id":"U1"}}""");
        Assert.True(other.IsSuccessStatusCode);
        Assert.Contains("\"ignored\":\"view_submission\"", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_five_minute_timestamp_window_is_judged_on_the_gateways_clock()
    {
        // Years away from the wall clock, so only the gateway's own clock can make these timestamps current.
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync();
        await using var gateway = await StartAsync(server, b => b.Services.AddSingleton<TimeProvider>(clock));
        const string ignored = """{"type":"view_submission","user":{"id":"U1"}}""";

        using var fresh = await PostAsync(gateway, Secret, ignored, clock.GetUtcNow().AddMinutes(-4));
        Assert.True(fresh.IsSuccessStatusCode, await fresh.Content.ReadAsStringAsync());
        using var old = await PostAsync(gateway, Secret, ignored, clock.GetUtcNow().AddMinutes(-6));
        Assert.Equal(401, (int)old.StatusCode);
        Assert.Contains("stale_timestamp", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var wall = await PostAsync(gateway, Secret, ignored, DateTimeOffset.UtcNow);
        Assert.Equal(401, (int)wall.StatusCode);

        // The same signed request ages out as the clock moves on.
        var signedAt = clock.GetUtcNow();
        using var first = await PostAsync(gateway, Secret, ignored, signedAt);
        Assert.True(first.IsSuccessStatusCode);
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(2));
        using var replayed = await PostAsync(gateway, Secret, ignored, signedAt);
        Assert.Equal(401, (int)replayed.StatusCode);
    }

    /// <summary>A gateway with the Slack channel <c>team</c>, signed with <see cref="Secret"/>, allowing user U1.</summary>
    private static Task<GatewayHost> StartAsync(TestServer server, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null) =>
        GatewayHost.StartAsync(server, $"""
            [channels.team]
            type = "slack"
            signing_secret = "{Secret}"
            allow = ["U1"]
            """, configure: configure);

    private static async Task<HttpResponseMessage> PostAsync(GatewayHost gateway, string secret, string payload, DateTimeOffset? at = null)
    {
        // Slack posts interactivity as a form with the JSON in "payload", signed over the raw form body.
        var body = "payload=" + Uri.EscapeDataString(payload);
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/team/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + WebhookSignature.Hex(secret, $"v0:{timestamp}:", Encoding.UTF8.GetBytes(body)));
        return await gateway.Http.SendAsync(request);
    }
}
