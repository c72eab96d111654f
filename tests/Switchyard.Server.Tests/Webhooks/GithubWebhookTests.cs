using System.Net;
using System.Text;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class GithubWebhookTests : IAsyncLifetime
{
    private const string Secret = "gh-secret-for-tests";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject? Json, string Text, HttpResponseMessage Response)> DeliverAsync(
        byte[] body, string gitHubEvent, string delivery, string? signature = null) =>
        Deliveries.PostAsync(_server.Http, "github", body,
            ("X-GitHub-Event", gitHubEvent), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", signature ?? Deliveries.Github(Secret, body)));

    [Fact]
    public async Task A_signed_workflow_run_delivery_becomes_an_event_named_after_event_and_action()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "completed", workflow_run = new { name = "CI", conclusion = "failure", head_branch = "main" }, repository = new { full_name = "acme/api" } });
        var (status, json, text, _) = await DeliverAsync(body, "workflow_run", delivery);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, json!["emitted"]!.GetValue<int>());
        Assert.Equal(delivery, json["ids"]![0]!.GetValue<string>());

        var stored = (await _server.GetAsync($"/v1/events/{delivery}"))["event"]!;
        Assert.Equal("github/workflow_run.completed", stored["name"]!.GetValue<string>());
        Assert.Equal("webhook", stored["source"]!.GetValue<string>());
        Assert.Equal("failure", stored["data"]!["workflow_run"]!["conclusion"]!.GetValue<string>());
        Assert.NotNull(text);
    }

    [Fact]
    public async Task A_redelivery_with_the_same_delivery_id_is_stored_once()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "opened", number = 7 });
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(body, "pull_request", delivery)).Status);
        var again = await DeliverAsync(body, "pull_request", delivery);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(delivery, again.Json!["ids"]![0]!.GetValue<string>());
        var events = (await _server.GetAsync("/v1/events?prefix=github/pull_request.opened&count=100"))["events"]!.AsArray();
        Assert.Single(events, e => e!["id"]!.GetValue<string>() == delivery);
    }

    [Fact]
    public async Task An_event_without_action_keeps_the_bare_event_name()
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, _, _, _) = await DeliverAsync(Deliveries.Json(new { @ref = "refs/heads/main" }), "push", delivery);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("github/push", (await _server.GetAsync($"/v1/events/{delivery}"))["event"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_or_missing_signature_is_401_and_stores_nothing()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = Deliveries.Json(new { action = "completed" });
        var wrong = await DeliverAsync(body, "workflow_run", delivery, Deliveries.Github("not-the-secret", body));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("invalid_signature", Deliveries.ErrorCode(wrong.Json));

        var tampered = await DeliverAsync(Deliveries.Json(new { action = "completed", extra = 1 }), "workflow_run", delivery, Deliveries.Github(Secret, body));
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);

        var missing = await Deliveries.PostAsync(_server.Http, "github", body, ("X-GitHub-Event", "workflow_run"), ("X-GitHub-Delivery", delivery));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Contains("X-Hub-Signature-256", Deliveries.ErrorMessage(missing.Json), StringComparison.Ordinal);

        using var none = await _server.Http.GetAsync($"/v1/events/{delivery}");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task A_bad_signature_is_a_telemetry_event_with_provider_and_address_but_not_the_body()
    {
        var body = Deliveries.Json(new { action = "completed", secretMarker = "do-not-store-me" });
        var wrong = await DeliverAsync(body, "workflow_run", Guid.NewGuid().ToString(), Deliveries.Github("not-the-secret", body));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);

        var list = await _server.GetAsync("/v1/otel/list?component=webhooks");
        var failure = Assert.Single(list["events"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "webhook.signature_failed")!;
        Assert.Equal("warn", failure["level"]!.GetValue<string>());
        Assert.Equal("github", failure["metadata"]!["provider"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(failure["metadata"]!["remoteAddress"]!.GetValue<string>()));
        Assert.DoesNotContain("do-not-store-me", failure.ToJsonString(), StringComparison.Ordinal);
        var found = await _server.GetAsync("/v1/otel/search?q=signature_failed");
        Assert.Contains(found["events"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "webhook.signature_failed");
    }

    [Fact]
    public async Task GitHubs_documented_test_vector_verifies()
    {
        // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
        await using var server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = "It's a Secret to Everybody");
        var (status, json, _, _) = await Deliveries.PostAsync(server.Http, "github", Encoding.UTF8.GetBytes("Hello, World!"),
            ("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        // The signature passes; the body is not JSON, so the answer is 400 rather than 401.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", Deliveries.ErrorCode(json));
    }

    [Fact]
    public async Task A_signed_delivery_without_X_GitHub_Event_is_400()
    {
        var body = Deliveries.Json(new { action = "x" });
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "github", body, ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_payload", Deliveries.ErrorCode(json));
        Assert.Contains("X-GitHub-Event", Deliveries.ErrorMessage(json), StringComparison.Ordinal);
    }
}
