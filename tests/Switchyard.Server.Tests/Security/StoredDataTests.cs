using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Engine.Model;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, findings 7 and "read paths never fail on stored data": registration takes only http(s) URLs,
/// and rows the current code would not write (a file: app URL from before the check, kinds a newer version wrote)
/// still render in status and every view.</summary>
public sealed class StoredDataTests : OnDevServer
{
    [Theory]
    [InlineData("file:///etc/passwd", "http://127.0.0.1:9/api", "url")]
    [InlineData("ftp://example.com/api", "http://127.0.0.1:9/api", "url")]
    [InlineData("http://127.0.0.1:9/api", "file:///etc/passwd", "steps.step.runtime.url")]
    [InlineData("http://127.0.0.1:9/api", "ftp://example.com/fn", "steps.step.runtime.url")]
    public async Task Registration_accepts_only_http_urls_naming_the_field(string appUrl, string stepUrl, string field)
    {
        var body = """{"url":"APP","appName":"schemes","functions":[{"id":"schemes-fn","name":"fn","triggers":[{"event":"x/y"}],"steps":{"step":{"id":"step","name":"step","runtime":{"type":"http","url":"STEP"}}}}]}"""
            .Replace("APP", appUrl, StringComparison.Ordinal).Replace("STEP", stepUrl, StringComparison.Ordinal);
        var answer = await Hostile.PostAsync(Server.Http, "/fn/register", body);
        Hostile.RefusedNaming(answer, field);
        Assert.Contains("http", answer.Text, StringComparison.Ordinal);
        Assert.Empty(Server.Services.GetRequiredService<FunctionRegistry>().Current.Apps);
    }

    [Fact]
    public async Task Status_survives_an_app_stored_with_a_url_it_cannot_probe()
    {
        var store = Server.Services.GetRequiredService<IStore>();
        await store.WriteAsync(tx =>
        {
            tx.UpsertApp(new AppRecord("legacy-file", "file:///etc/passwd", "js:v3", null, "c1", tx.Now, tx.Now, 0));
            tx.UpsertApp(new AppRecord("legacy-ftp", "ftp://example.com/api", "js:v3", null, "c2", tx.Now, tx.Now, 0));
            return 0;
        });
        await Server.Services.GetRequiredService<FunctionRegistry>().ReloadAsync(CancellationToken.None);
        var status = Hostile.Renders(await Hostile.GetAsync(Server.Http, "/v1/status"), "/v1/status");
        var lines = status["components"]!.AsArray().Where(c => c!["component"]!.GetValue<string>().StartsWith("app legacy-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("down", l!["status"]!.GetValue<string>()));
        Hostile.Renders(await Hostile.GetAsync(Server.Http, "/v1/apps"), "/v1/apps");
    }

    [Fact]
    public async Task Rows_with_kinds_a_newer_version_wrote_still_render()
    {
        var eventId = await Server.SendEventAsync("future/event", new { });
        var seq = (await Server.GetAsync($"/v1/events/{eventId}"))["event"]!["seq"]!.GetValue<long>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Written as a newer version would: kinds this version has no name for.
        await using (var db = new SqliteConnection($"Data Source={Server.Options.SqlitePath};Default Timeout=10"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO runs(id, function_id, app_id, event_id, event_seq, status, created_at, version, force_plan, pending)
                  VALUES ('run-future', 'fn-future', 'app-future', $event, $seq, 'Hibernating', $now, 1, 0, '[]');
                INSERT INTO history(run_id, at, kind, attempt) VALUES ('run-future', $now, 'run.hibernated', 0);
                INSERT INTO decisions(event_id, event_seq, function_id, outcome, reason, run_id, at)
                  VALUES ($event, $seq, 'fn-future', 'deferred_by_quantum', 'a reason', 'run-future', $now);
                """;
            cmd.Parameters.AddWithValue("$event", eventId);
            cmd.Parameters.AddWithValue("$seq", seq);
            cmd.Parameters.AddWithValue("$now", now);
            await cmd.ExecuteNonQueryAsync();
        }
        var run = Hostile.Renders(await Hostile.GetAsync(Server.Http, "/v1/runs/run-future"), "/v1/runs/{id}");
        Assert.Equal(RunStatus.Failed.ToWire(), run["run"]!["status"]!.GetValue<string>());
        Assert.Equal(HistoryKind.Call.ToWire(), run["history"]![0]!["kind"]!.GetValue<string>());
        Hostile.Renders(await Hostile.GetAsync(Server.Http, "/v1/runs"), "/v1/runs");
        var detail = Hostile.Renders(await Hostile.GetAsync(Server.Http, $"/v1/events/{eventId}"), "/v1/events/{id}");
        Assert.Equal(DecisionOutcome.Unavailable.ToWire(), detail["decisions"]![0]!["outcome"]!.GetValue<string>());
        Hostile.Renders(await Hostile.GetAsync(Server.Http, $"/v1/events/{eventId}/trace"), "/v1/events/{id}/trace");
        Hostile.Renders(await Hostile.GetAsync(Server.Http, $"/v1/events/{eventId}/why"), "/v1/events/{id}/why");
        Assert.Equal(HttpStatusCode.OK, (await Hostile.GetAsync(Server.Http, "/health")).Status);
    }
}
