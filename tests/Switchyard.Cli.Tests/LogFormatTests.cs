using System.Text.Json.Nodes;

namespace Switchyard.Cli.Tests;

/// <summary><c>log_level</c> and <c>log_format = "json"</c>: a server asked for JSON at information level writes one
/// JSON object per log line (Microsoft.Extensions.Logging's JSON console formatter), which a log shipper can parse.</summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task A_server_with_log_format_json_writes_one_json_object_per_log_line()
    {
        var port = Loopback.FreePort();
        await using var yard = YardProcess.Start(new Dictionary<string, string?> { ["SWITCHYARD_LOG_FORMAT"] = "json", ["SWITCHYARD_LOG_LEVEL"] = "information" },
            "server", "--dev", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", TempDir.Create());
        // Kestrel logs "Now listening on" at information level once it listens.
        var entry = await Eventually.GetAsync(() => Task.FromResult(JsonLines(yard.Output).FirstOrDefault(e => e["Message"]?.ToString().Contains("listening", StringComparison.OrdinalIgnoreCase) == true)),
            () => $"a JSON log entry about listening in:\n{yard.Output}", TimeSpan.FromSeconds(30));
        Assert.Equal("Information", entry["LogLevel"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(entry["Category"]!.GetValue<string>()));
        Assert.NotNull(entry["Timestamp"]);
    }

    private static IEnumerable<JsonObject> JsonLines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("{\"Timestamp\"", StringComparison.Ordinal) || l.StartsWith("{\"EventId\"", StringComparison.Ordinal))
            .Select(l => { try { return JsonNode.Parse(l) as JsonObject; } catch (System.Text.Json.JsonException) { return null; } })
            .OfType<JsonObject>();
}
