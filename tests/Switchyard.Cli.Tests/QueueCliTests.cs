using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Cli.Tests;

/// <summary>The real <c>yard queue</c> commands (and <c>yard why</c> on a queue item) against an in-process server.</summary>
public sealed class QueueCliTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
        o.Queue.Families["jobs"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Event, Event = "work/job" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<YardRun> RunAsync(params string[] args) => Yard.RunAsync([.. args, "--json", "--server", _server.Url.ToString().TrimEnd('/')]);

    private async Task<JsonNode> ResultAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        return run.Envelope["result"]!;
    }

    [Fact]
    public async Task Pause_emit_why_resume_list_and_stats()
    {
        var paused = await ResultAsync("queue", "pause", "jobs", "--ttl", "10m", "--reason", "deploy");
        Assert.Equal("deploy", paused["reason"]!.GetValue<string>());
        var id = (await ResultAsync("queue", "emit", "jobs", "-d", """{"n":1}""", "--priority", "P1"))["id"]!.GetValue<string>();

        var why = await ResultAsync("why", id);
        Assert.Equal("queued", why["state"]!.GetValue<string>());
        Assert.Contains(why["why"]!.AsArray(), w => w!["code"]!.GetValue<string>() == "paused");

        Assert.True((await ResultAsync("queue", "resume", "jobs"))["resumed"]!.GetValue<bool>());
        await Eventually.TrueAsync(async () => (await ResultAsync("queue", "why", id))["state"]!.GetValue<string>() == "done", "the item dispatched");
        var item = Assert.Single((await ResultAsync("queue", "list", "--family", "jobs"))["items"]!.AsArray())!;
        Assert.Equal(("P1", 1), (item["priority"]!.GetValue<string>(), item["data"]!["n"]!.GetValue<int>()));
        var stats = (await ResultAsync("queue", "stats"))["families"]!.AsArray().Single(f => f!["family"]!.GetValue<string>() == "jobs")!;
        Assert.Equal(1, stats["done"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_unknown_family_and_an_unknown_id_are_error_envelopes()
    {
        var refused = await RunAsync("queue", "emit", "nope", "-d", "{}");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("unknown_family", refused.Envelope["error"]!["code"]!.GetValue<string>());
        Assert.Contains("known families: jobs", refused.Envelope["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var missing = await RunAsync("why", "no-such-id");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("not_found", missing.Envelope["error"]!["code"]!.GetValue<string>());
    }
}
