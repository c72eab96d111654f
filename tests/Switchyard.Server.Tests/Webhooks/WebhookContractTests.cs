using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class WebhookContractTests : IAsyncLifetime
{
    private const string Secret = "contract-secret";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
    {
        o.Webhooks.GithubSecret = Secret;
        o.Webhooks.MaxBodyBytes = 4096;
        // Vercel-style: hex HMAC-SHA1 of the body.
        o.Webhooks.Providers["vercel"] = new GenericWebhookOptions { Secret = "vercel-secret", Header = "x-vercel-signature", Algorithm = "sha1", Event = "{type}", IdPath = "id" };
        // Front-style: base64 HMAC-SHA256 of "timestamp:body", event name from a header and the payload.
        o.Webhooks.Providers["front"] = new GenericWebhookOptions
        {
            Secret = "front-secret", Header = "X-Front-Signature", Encoding = "base64", TimestampHeader = "X-Front-Request-Timestamp",
            Signed = "{timestamp}:{body}", Event = "{header:X-Front-Kind}.{payload.kind}", IdHeader = "X-Front-Delivery",
        };
        o.Webhooks.Providers["nosecret"] = new GenericWebhookOptions { Header = "x-sig" };
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_unknown_provider_is_404_naming_the_known_ones()
    {
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "gitlab", Deliveries.Json(new { }));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown_provider", Deliveries.ErrorCode(json));
        Assert.Contains("github", Deliveries.ErrorMessage(json), StringComparison.Ordinal);
        Assert.Contains("vercel", Deliveries.ErrorMessage(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_is_413()
    {
        var body = Deliveries.Json(new { action = "x", blob = new string('x', 5000) });
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "github", body,
            ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("body_too_large", Deliveries.ErrorCode(json));
    }

    [Fact]
    public void The_default_body_limit_is_256_KiB() =>
        Assert.Equal(256 * 1024, new ServerOptions().Webhooks.MaxBodyBytes);

    [Fact]
    public async Task A_provider_without_a_secret_rejects_everything_and_says_which_setting_to_set()
    {
        await using var bare = await TestServer.StartAsync();
        var body = Deliveries.Json(new { action = "completed" });
        var (status, json, _, _) = await Deliveries.PostAsync(bare.Http, "github", body,
            ("X-GitHub-Event", "workflow_run"), ("X-Hub-Signature-256", Deliveries.Github("", "x"u8.ToArray())));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("provider_not_configured", Deliveries.ErrorCode(json));
        Assert.Contains("SWITCHYARD_WEBHOOKS__GITHUB_SECRET", Deliveries.ErrorMessage(json), StringComparison.Ordinal);

        var generic = await Deliveries.PostAsync(_server.Http, "nosecret", body, ("x-sig", "00"));
        Assert.Equal(HttpStatusCode.Unauthorized, generic.Status);
        Assert.Contains("SWITCHYARD_WEBHOOKS__PROVIDERS__NOSECRET__SECRET", Deliveries.ErrorMessage(generic.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_dev_mode_deliveries_need_no_key_but_the_webhook_REST_API_needs_the_token()
    {
        await using var secure = await TestServer.StartAsync(o =>
        {
            o.Dev = false;
            o.EventKeys = "key";
            o.SigningKey = "signkey-test-" + new string('b', 64);
            o.ApiToken = "token-xyz";
            o.Webhooks.GithubSecret = Secret;
        });
        var body = Deliveries.Json(new { action = "created" });
        var delivered = await Deliveries.PostAsync(secure.Http, "github", body, ("X-GitHub-Event", "star"), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.Equal(HttpStatusCode.OK, delivered.Status);
        using (var anonymous = await secure.Http.GetAsync("/v1/webhooks/providers"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/v1/webhooks/subscriptions");
        withToken.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "token-xyz");
        using (var ok = await secure.Http.SendAsync(withToken))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Signed_invalid_json_is_400()
    {
        var body = "{not json"u8.ToArray();
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", Deliveries.ErrorCode(json));
    }

    [Fact]
#pragma warning disable CA5350 // Vercel signs with HMAC-SHA1, so the test must too.
    public async Task A_generic_provider_declared_only_in_configuration_verifies_hex_sha1()
    {
        var id = "dpl_" + Guid.NewGuid().ToString("N");
        var body = Deliveries.Json(new { id, type = "deployment.succeeded", payload = new { url = "app.vercel.app" } });
        var signature = Convert.ToHexStringLower(HMACSHA1.HashData("vercel-secret"u8, body));
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "vercel", body, ("x-vercel-signature", signature));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, json!["ids"]![0]!.GetValue<string>());
        Assert.Equal("vercel/deployment.succeeded", (await _server.GetAsync($"/v1/events/{id}"))["event"]!["name"]!.GetValue<string>());

        var bad = await Deliveries.PostAsync(_server.Http, "vercel", body, ("x-vercel-signature", Convert.ToHexStringLower(HMACSHA1.HashData("other"u8, body))));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
    }
#pragma warning restore CA5350

    [Fact]
    public async Task A_generic_provider_verifies_base64_over_a_timestamp_template_and_names_events_from_header_and_payload()
    {
        var body = Deliveries.Json(new { payload = new { kind = "received" } });
        var ts = Deliveries.UnixNow.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Sign(string t) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("front-secret"), Encoding.UTF8.GetBytes(t + ":").Concat(body).ToArray()));
        var delivery = "front-" + Guid.NewGuid().ToString("N");
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "front", body,
            ("X-Front-Signature", Sign(ts)), ("X-Front-Request-Timestamp", ts), ("X-Front-Kind", "message"), ("X-Front-Delivery", delivery));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("front/message.received", json!["names"]![0]!.GetValue<string>());
        Assert.Equal(delivery, json["ids"]![0]!.GetValue<string>());

        var stale = (Deliveries.UnixNow - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var old = await Deliveries.PostAsync(_server.Http, "front", body, ("X-Front-Signature", Sign(stale)), ("X-Front-Request-Timestamp", stale), ("X-Front-Kind", "message"));
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);

        var unnamed = await Deliveries.PostAsync(_server.Http, "front", body, ("X-Front-Signature", Sign(ts)), ("X-Front-Request-Timestamp", ts));
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.Status);
        Assert.Contains("header:X-Front-Kind", Deliveries.ErrorMessage(unnamed.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_20_failures_from_one_address_within_a_minute_get_429_then_even_good_signatures_wait()
    {
        await using var server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret);
        var body = Deliveries.Json(new { action = "x" });
        for (var i = 0; i < 20; i++)
        {
            var (status, _, _, _) = await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=00"));
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }
        var limited = await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=00"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("too_many_failures", Deliveries.ErrorCode(limited.Json));
        Assert.True(limited.Response.Headers.RetryAfter is not null);
        var good = await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.Equal(HttpStatusCode.TooManyRequests, good.Status);
    }

    [Fact]
    public async Task Failures_age_out_of_the_sliding_window()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Webhooks.GithubSecret = Secret;
            o.Webhooks.FailureLimit = 2;
            o.Webhooks.FailureWindow = TimeSpan.FromSeconds(1);
        });
        var body = Deliveries.Json(new { action = "x" });
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=00"))).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"))).Status);
        // Blocked requests do not count as failures, so polling with a good signature ends once the window slides past.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            status = (await Deliveries.PostAsync(server.Http, "github", body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)))).Status;
        }
        while (status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_signature_failure_is_counted_on_the_webhook_meter()
    {
        var failures = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WebhookTelemetry.MeterName && instrument.Name == "switchyard.webhook.signature_failures") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag is { Key: "provider", Value: "vercel" }) Interlocked.Add(ref failures, value);
        });
        listener.Start();
        await Deliveries.PostAsync(_server.Http, "vercel", Deliveries.Json(new { type = "x" }), ("x-vercel-signature", "00"));
        Assert.True(Interlocked.Read(ref failures) >= 1);
    }

    [Fact]
    public async Task Zero_events_from_a_provider_answer_200_with_none_emitted()
    {
        await using var slack = await TestServer.StartAsync(o => o.Webhooks.SlackSecret = "s");
        var body = Deliveries.Json(new { type = "app_rate_limited", team_id = "T1" });
        var ts = Deliveries.UnixNow;
        var (status, json, _, _) = await Deliveries.PostAsync(slack.Http, "slack", body,
            ("X-Slack-Request-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("X-Slack-Signature", Deliveries.Slack("s", ts, body)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, json!["emitted"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_provider_registered_through_DI_takes_deliveries_and_can_emit_several_events()
    {
        var options = new ServerOptions { Port = 0, DataDir = TempDir.Create(), Dev = true, ResyncInterval = TimeSpan.Zero };
        await using var app = SwitchyardServer.Build(options, configureServices: s => s.AddSingleton<IWebhookProvider, BatchProvider>());
        await SwitchyardServer.StartAsync(app, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri(SwitchyardServer.Addresses(app).First()) };
        var body = Deliveries.Json(new { items = new[] { new { id = "a1" }, new { id = "a2" } } });
        var (status, json, _, _) = await Deliveries.PostAsync(http, "batch", body, ("X-Token", "let-me-in"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!["emitted"]!.GetValue<int>());
        Assert.Equal(["batch/item.created", "batch/item.created"], json["names"]!.AsArray().Select(n => n!.GetValue<string>()));
        var providers = (await http.GetFromJsonAsync<JsonObject>("/v1/webhooks/providers"))!["providers"]!.AsArray();
        Assert.Equal("custom", providers.Single(p => p!["name"]!.GetValue<string>() == "batch")!["kind"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Deliveries.PostAsync(http, "batch", body, ("X-Token", "nope"))).Status);
        await app.StopAsync();
    }

    /// <summary>A provider in a few lines: a shared token header, one event per item.</summary>
    private sealed class BatchProvider : IWebhookProvider
    {
        public string Name => "batch";
        public bool SecretConfigured => true;

        public WebhookVerification Verify(WebhookRequest request) =>
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Header("X-Token") ?? ""), "let-me-in"u8)
                ? WebhookVerification.Ok : WebhookVerification.Fail("bad X-Token");

        public IReadOnlyList<WebhookEvent> Normalize(WebhookRequest request, JsonNode payload) =>
            [.. payload["items"]!.AsArray().Select(i => new WebhookEvent("item.created", (JsonObject)i!.DeepClone(), "batch-" + i!["id"]))];
    }
}
