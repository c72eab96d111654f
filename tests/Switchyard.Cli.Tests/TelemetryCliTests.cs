using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests;

/// <summary>The real <c>yard otel</c> commands against an in-process server.</summary>
public sealed class TelemetryCliTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Server => _server.Url.ToString().TrimEnd('/');

    private async Task<JsonNode> RunAsync(params string[] args)
    {
        var (code, stdout, stderr) = await Yard.RunAsync([.. args, "--json", "--server", Server]);
        Assert.True(code == 0, stderr + stdout);
        var envelope = JsonNode.Parse(stdout)!;
        Assert.True(envelope["ok"]!.GetValue<bool>());
        return envelope["result"]!;
    }

    [Fact]
    public async Task Emit_then_search_list_and_stats_find_it()
    {
        var emitted = await RunAsync("otel", "emit", "--source", "nightly", "--component", "backup", "--action", "backup.failed",
            "--error", "volume vanished", "--metadata", """{"volume":"pg-main"}""", "--duration-ms", "1234");
        var id = emitted["ids"]![0]!.GetValue<string>();

        var found = await RunAsync("otel", "search", "vanished", "--level", "error", "--source", "nightly");
        var e = Assert.Single(found["events"]!.AsArray())!;
        Assert.Equal(id, e["id"]!.GetValue<string>());
        Assert.False(e["success"]!.GetValue<bool>());
        Assert.Equal(1234, e["duration_ms"]!.GetValue<double>());
        Assert.Equal("pg-main", e["metadata"]!["volume"]!.GetValue<string>());

        var listed = await RunAsync("otel", "list", "--component", "backup", "--hours", "1");
        Assert.Contains(listed["events"]!.AsArray(), x => x!["id"]!.GetValue<string>() == id);

        var stats = await RunAsync("otel", "stats", "--hours", "1");
        Assert.Equal(1, stats["byLevel"]!["error"]!.GetValue<long>());
        Assert.Contains(stats["facets"]!["source"]!.AsArray(), f => f!["value"]!.GetValue<string>() == "nightly");
    }

    [Fact]
    public async Task Bad_metadata_and_bad_levels_are_error_envelopes()
    {
        var (code, stdout, _) = await Yard.RunAsync("otel", "emit", "--source", "s", "--component", "c", "--action", "a", "--metadata", "[1]", "--json", "--server", Server);
        Assert.Equal(1, code);
        Assert.Equal("invalid_metadata", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());

        (code, stdout, _) = await Yard.RunAsync("otel", "emit", "--source", "s", "--component", "c", "--action", "a", "--level", "loud", "--json", "--server", Server);
        Assert.Equal(1, code);
        Assert.Equal("invalid_level", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());

        (code, stdout, _) = await Yard.RunAsync("otel", "list", "--level", "loud", "--json", "--server", Server);
        Assert.Equal(1, code);
        Assert.Equal("invalid_level", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());
    }
}
