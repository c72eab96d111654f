using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>The engine's own lifecycle telemetry: run ends and app syncs, correlated by run and event id.</summary>
public sealed class TelemetryEngineTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _app = await TestApp.StartAsync(_server, "tel", sdk => sdk.AddFunction<TelemetryOk>().AddFunction<TelemetryFails>().AddFunction<TelemetrySleeps>());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<(string EventId, string RunId)> RunAsync(string name)
    {
        var eventId = (await _server.SendAsync(new { name, data = new { } }))[0];
        var runId = (await _server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await _server.WaitForRunAsync(runId);
        return (eventId, runId);
    }

    private async Task<List<JsonNode>> ListAsync(string query)
    {
        var (status, body) = await TelemetryClient.GetAsync(_server.Http, "/v1/otel/list" + query);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return TelemetryClient.Events(body).ToList();
    }

    /// <summary>
    /// The one entry of <paramref name="action"/> for the run, polled: telemetry lives in a file of its own and is
    /// appended after the run's commit, so a run already read as finished may not have its entry yet.
    /// </summary>
    private async Task<JsonNode> SingleActionAsync(string runId, string action)
    {
        List<JsonNode> entries = [];
        await Eventually.TrueAsync(async () =>
        {
            entries = (await ListAsync($"?runId={runId}")).Where(e => e["action"]!.GetValue<string>() == action).ToList();
            return entries.Count > 0;
        }, $"telemetry {action} of run {runId}");
        return Assert.Single(entries);
    }

    [Fact]
    public async Task A_completed_run_emits_run_completed_correlated_by_run_event_and_function()
    {
        var (eventId, runId) = await RunAsync("tel/ok");

        var completed = await SingleActionAsync(runId, "run.completed");
        Assert.Contains(await ListAsync($"?runId={runId}"), e => e["action"]!.GetValue<string>() == "run.started");
        Assert.Equal("run.completed", completed["action"]!.GetValue<string>());
        Assert.Equal("switchyard", completed["source"]!.GetValue<string>());
        Assert.Equal("runs", completed["component"]!.GetValue<string>());
        Assert.Equal("info", completed["level"]!.GetValue<string>());
        Assert.True(completed["success"]!.GetValue<bool>());
        Assert.True(completed["duration_ms"]!.GetValue<double>() >= 0);
        Assert.Equal(runId, completed["metadata"]!["runId"]!.GetValue<string>());
        Assert.Equal(eventId, completed["metadata"]!["eventId"]!.GetValue<string>());
        Assert.Equal("tel-ok", completed["metadata"]!["functionId"]!.GetValue<string>());

        Assert.Contains(await ListAsync($"?eventId={eventId}"), e => e["id"]!.GetValue<string>() == completed["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_run_emits_an_error_with_the_message_and_it_is_searchable()
    {
        var (_, runId) = await RunAsync("tel/fail");

        var failed = await SingleActionAsync(runId, "run.failed");
        Assert.Equal("run.failed", failed["action"]!.GetValue<string>());
        Assert.Equal("error", failed["level"]!.GetValue<string>());
        Assert.False(failed["success"]!.GetValue<bool>());
        Assert.Contains("the disk is on fire", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (_, found) = await TelemetryClient.GetAsync(_server.Http, "/v1/otel/search?q=disk+fire&level=error&source=switchyard");
        Assert.Contains(TelemetryClient.Events(found), e => e["metadata"]!["runId"]!.GetValue<string>() == runId);
    }

    [Fact]
    public async Task A_cancelled_run_emits_a_warning()
    {
        var id = (await _server.SendAsync(new { name = "tel/sleep" }))[0];
        var runId = (await _server.WaitForRunsOfEventAsync(id))[0]!["id"]!.GetValue<string>();
        using (var response = await _server.Http.PostAsync($"/v1/runs/{runId}/cancel", null)) Assert.True(response.IsSuccessStatusCode);

        var cancelled = await SingleActionAsync(runId, "run.cancelled");
        Assert.Equal("run.cancelled", cancelled["action"]!.GetValue<string>());
        Assert.Equal("warn", cancelled["level"]!.GetValue<string>());
        Assert.Contains("cancelled by operator", cancelled["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_history_entries_map_to_levels_with_their_detail_for_engine_code_that_reports_them()
    {
        var (_, runId) = await RunAsync("tel/ok");
        var store = _server.Services.GetRequiredService<Switchyard.Engine.Storage.IStore>();
        var sink = _server.Services.GetRequiredService<Switchyard.Engine.Telemetry.TelemetrySink>();
        var run = (await store.Reader.GetRunAsync(runId, CancellationToken.None))!;
        await store.WriteAsync(tx =>
        {
            sink.RunHistory(tx, run, new Switchyard.Engine.Model.HistoryEntry(0, run.Id, tx.Now, Switchyard.Engine.Model.HistoryKind.RetryScheduled, "h1", "work", null, 2, null, """{"attempt":2,"dueAt":5}"""));
            sink.RunHistory(tx, run, new Switchyard.Engine.Model.HistoryEntry(0, run.Id, tx.Now, Switchyard.Engine.Model.HistoryKind.StepFailed, "h1", "work", null, 2, 7, """{"name":"Error","message":"nope"}"""));
            return 0;
        });

        await SingleActionAsync(runId, "retry.scheduled");
        await SingleActionAsync(runId, "step.failed");
        var events = (await ListAsync($"?runId={runId}")).ToDictionary(e => e["action"]!.GetValue<string>());
        Assert.Equal("warn", events["retry.scheduled"]["level"]!.GetValue<string>());
        Assert.Null(events["retry.scheduled"]["error"]);
        Assert.Equal(5, events["retry.scheduled"]["metadata"]!["detail"]!["dueAt"]!.GetValue<int>());
        Assert.Equal("work", events["retry.scheduled"]["metadata"]!["step"]!.GetValue<string>());
        Assert.Equal("error", events["step.failed"]["level"]!.GetValue<string>());
        Assert.Equal("Error: nope", events["step.failed"]["error"]!.GetValue<string>());
        Assert.Equal(2, events["step.failed"]["metadata"]!["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task Syncing_an_app_emits_app_synced_with_its_functions()
    {
        List<JsonNode> synced = [];
        await Eventually.TrueAsync(async () =>
        {
            synced = (await ListAsync("?source=switchyard&component=registry"))
                .Where(e => e["metadata"]!["appId"]!.GetValue<string>() == "tel").ToList();
            return synced.Count > 0;
        }, "telemetry app.synced of app tel");

        var e = Assert.Single(synced);
        Assert.Equal("app.synced", e["action"]!.GetValue<string>());
        Assert.Equal(new[] { "tel-fails", "tel-ok", "tel-sleeps" }, e["metadata"]!["functionIds"]!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
