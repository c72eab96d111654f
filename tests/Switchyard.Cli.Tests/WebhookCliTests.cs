using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests;

/// <summary>The real <c>yard webhook</c> commands against an in-process server.</summary>
public sealed class WebhookCliTests : IAsyncLifetime
{
    private const string Secret = "cli-secret";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = Secret);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Server => _server.Url.ToString().TrimEnd('/');

    [Fact]
    public async Task Providers_subscribe_and_list_print_envelopes()
    {
        var (code, stdout, stderr) = await Yard.RunAsync("webhook", "providers", "--json", "--server", Server);
        Assert.True(code == 0, stderr);
        var providers = JsonNode.Parse(stdout)!["result"]!["providers"]!.AsArray();
        var github = providers.Single(p => p!["name"]!.GetValue<string>() == "github")!;
        Assert.Equal($"{Server}/webhooks/github", github["url"]!.GetValue<string>());
        Assert.True(github["secretConfigured"]!.GetValue<bool>());

        (code, stdout, stderr) = await Yard.RunAsync("webhook", "subscribe", "github", "workflow_run.completed",
            "--filter", "repository.full_name=acme/api", "--filter", "workflow_run.conclusion=failure", "--ttl", "1h", "--json", "--server", Server);
        Assert.True(code == 0, stderr + stdout);
        var subscription = JsonNode.Parse(stdout)!["result"]!["subscription"]!;
        Assert.Equal("failure", subscription["filters"]!["workflow_run.conclusion"]!.GetValue<string>());
        var id = subscription["id"]!.GetValue<string>();

        (code, stdout, _) = await Yard.RunAsync("webhook", "list", "--json", "--server", Server);
        Assert.Equal(0, code);
        Assert.Contains(JsonNode.Parse(stdout)!["result"]!["subscriptions"]!.AsArray(), s => s!["id"]!.GetValue<string>() == id);

        (code, stdout, _) = await Yard.RunAsync("webhook", "subscribe", "github", "push", "--filter", "nonsense", "--json", "--server", Server);
        Assert.Equal(1, code);
        Assert.Equal("invalid_filter", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_prints_one_json_line_per_delivery_when_not_a_terminal_and_exits_when_the_subscription_expires()
    {
        using var response = await _server.Http.PostAsJsonAsync("/v1/webhooks/subscriptions", new { provider = "github", @event = "push", ttl = "12s" });
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["subscription"]!["id"]!.GetValue<string>();
        var deliveries = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var delivery = Guid.NewGuid().ToString();
            var body = Deliveries.Json(new { @ref = "refs/heads/main", n = i });
            var (status, _, _, _) = await Deliveries.PostAsync(_server.Http, "github", body,
                ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", Deliveries.Github(Secret, body)));
            Assert.Equal(HttpStatusCode.OK, status);
            deliveries.Add(delivery);
        }

        var (code, stdout, stderr) = await Yard.RunAsync("webhook", "stream", id, "--server", Server);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(deliveries, lines.Select(l => JsonNode.Parse(l)!["id"]!.GetValue<string>()));
        Assert.All(lines, l => Assert.Equal("github/push", JsonNode.Parse(l)!["name"]!.GetValue<string>()));
        Assert.Contains("expired", stderr, StringComparison.Ordinal);
    }
}
