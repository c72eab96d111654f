using System.Net;
using Switchyard.Configuration;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server.Tests.Security;

/// <summary>Finding 8: the webhook failure limiter keys on provider and client, says truly when a blocked client may
/// retry, and behind a trusted proxy counts the forwarded client, not the proxy.</summary>
public sealed class WebhookLimiterTests
{
    private const string Secret = "limiter-secret";

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_block_lasts_until_the_oldest_failure_ages_out_and_says_so()
    {
        var clock = new ManualClock();
        var limiter = new WebhookFailureLimiter(new WebhookOptions { FailureLimit = 3, FailureWindow = TimeSpan.FromSeconds(60) }, clock);
        for (var i = 0; i < 3; i++)
        {
            limiter.Failed("github", "10.0.0.1");
            clock.Now += TimeSpan.FromSeconds(10);
        }
        // Failures at 0 s, 10 s, 20 s; now 30 s: the first ages out at 60 s, 30 s from now (not "1 s").
        Assert.Equal(TimeSpan.FromSeconds(30), limiter.Blocked("github", "10.0.0.1"));
        // Another provider, or another client, is not blocked by it.
        Assert.Null(limiter.Blocked("stripe", "10.0.0.1"));
        Assert.Null(limiter.Blocked("github", "10.0.0.2"));
        clock.Now += TimeSpan.FromSeconds(30);
        Assert.Null(limiter.Blocked("github", "10.0.0.1"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_is_counted_and_other_clients_still_deliver()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Webhooks.GithubSecret = Secret;
            o.Webhooks.FailureLimit = 2;
            o.TrustedProxies = "127.0.0.1, ::1";
        });
        var body = Deliveries.Json(new { action = "x" });
        Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject? Json, string Text, HttpResponseMessage Response)> Post(string client, string signature) =>
            Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", signature), ("X-Forwarded-For", client));
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Post("203.0.113.7", "sha256=00")).Status);
        var blocked = await Post("203.0.113.7", "sha256=00");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
        Assert.Contains("203.0.113.7", blocked.Text, StringComparison.Ordinal);
        Assert.True(blocked.Response.Headers.RetryAfter?.Delta > TimeSpan.FromSeconds(30), $"Retry-After {blocked.Response.Headers.RetryAfter}");
        // The same proxy carrying another client's good delivery goes through.
        Assert.Equal(HttpStatusCode.OK, (await Post("198.51.100.9", Deliveries.Github(Secret, body))).Status);
    }

    [Fact]
    public async Task A_trusted_proxy_entry_that_is_not_an_address_stops_the_server_naming_it() =>
        Assert.Contains("trusted_proxies: 'proxy.local'",
            (await Assert.ThrowsAsync<InvalidDataException>(() => TestServer.StartAsync(o => o.TrustedProxies = "10.0.0.1, proxy.local"))).Message, StringComparison.Ordinal);
}
