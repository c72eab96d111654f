using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests;

/// <summary>Tests that run the real <c>yard</c> binary as a separate process.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task An_event_acknowledged_right_before_kill_9_is_there_after_restart()
    {
        var dataDir = TempDir.Create();
        var port = Loopback.FreePort();
        var acknowledged = new List<string>();
        await using (var yard = await YardProcess.StartDevAsync(dataDir, port))
        {
            using var http = new HttpClient { BaseAddress = yard.Url };
            for (var i = 0; i < 20; i++)
            {
                using var response = await http.PostAsJsonAsync("/e/k", new { name = "crash/test", data = new { i } });
                var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                acknowledged.Add(body["ids"]![0]!.GetValue<string>());
            }
            yard.Kill();
        }
        await using (var again = await YardProcess.StartDevAsync(dataDir, port))
        {
            using var http = new HttpClient { BaseAddress = again.Url };
            var events = (await http.GetFromJsonAsync<JsonObject>("/v1/events?prefix=crash/&count=100"))!["events"]!.AsArray()
                .Select(e => e!["id"]!.GetValue<string>()).ToHashSet();
            Assert.Superset(acknowledged.ToHashSet(), events);
        }
    }

    [Fact]
    public async Task Cli_prints_one_envelope_and_finds_the_event()
    {
        var dataDir = TempDir.Create();
        await using var yard = await YardProcess.StartDevAsync(dataDir);
        var server = yard.Url.ToString();
        var (code, stdout, _) = await Yard.RunAsync("send", "demo/hello", "-d", "{\"x\":1}", "--json", "--server", server);
        Assert.Equal(0, code);
        var envelope = JsonNode.Parse(stdout)!.AsObject();
        Assert.True(envelope["ok"]!.GetValue<bool>());
        Assert.Equal("send", envelope["command"]!.GetValue<string>());
        Assert.NotNull(envelope["next_actions"]!.AsArray());
        var id = envelope["result"]!["ids"]![0]!.GetValue<string>();

        (code, stdout, _) = await Yard.RunAsync("event", id, "--json", "--server", server);
        Assert.Equal(0, code);
        var shown = JsonNode.Parse(stdout)!;
        Assert.Equal(id, shown["result"]!["event"]!["id"]!.GetValue<string>());
        Assert.Equal(1, shown["result"]!["event"]!["data"]!["x"]!.GetValue<int>());

        // Not a terminal (stdout redirected): JSON even without --json.
        (code, stdout, _) = await Yard.RunAsync("events", "--server", server);
        Assert.Equal(0, code);
        Assert.Contains(id, JsonNode.Parse(stdout)!["result"]!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Cli_errors_are_envelopes_with_a_fix_and_a_nonzero_exit()
    {
        var port = Loopback.FreePort();
        var (code, stdout, _) = await Yard.RunAsync("events", "--json", "--server", $"http://127.0.0.1:{port}");
        Assert.Equal(1, code);
        var envelope = JsonNode.Parse(stdout)!.AsObject();
        Assert.False(envelope["ok"]!.GetValue<bool>());
        Assert.Equal("server_unreachable", envelope["error"]!["code"]!.GetValue<string>());
        Assert.Contains("yard dev", envelope["fix"]!.GetValue<string>(), StringComparison.Ordinal);

        (code, stdout, _) = await Yard.RunAsync("send", "x", "-d", "[1]", "--json", "--server", $"http://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Equal("invalid_data", JsonNode.Parse(stdout)!["error"]!["code"]!.GetValue<string>());
    }
}
