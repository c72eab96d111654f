using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;
using Switchyard.Engine.Tests.Clock;
using Switchyard.Engine.Work;
using Switchyard.Testing;

namespace Switchyard.Engine.Tests.Work;

/// <summary>The work queue on a fake clock: dispatch order (priority, FIFO, aging), pauses that end by themselves,
/// the dedup window, unknown families, and the pipeline handler. Dispatch order is read from the order the
/// <c>event</c> handler stored its bus events.</summary>
public sealed class QueueDispatchTests
{
    private const string Family = "jobs";
    private const string EventName = "work/job";

    private static async Task<EngineHost> StartAsync(Action<QueueOptions>? queue = null, Action<IServiceCollection>? services = null, bool dispatch = true)
    {
        var host = await EngineHost.StartAsync(EngineHost.Function("unused", "t/unused"), _ => AppAnswer.Done(null), o =>
        {
            o.Queue.Families[Family] = new QueueFamilyOptions { Handler = QueueHandlerKind.Event, Event = EventName };
            queue?.Invoke(o.Queue);
        }, services);
        if (dispatch) await host.StartQueueAsync();
        return host;
    }

    private static async Task<string> EmitAsync(EngineHost host, string name, string? priority = null, string family = Family)
    {
        var (result, error) = await host.Get<QueueEmitter>().EmitAsync(family, new JsonObject { ["name"] = name }, priority, null, CancellationToken.None);
        Assert.Null(error);
        return result!.Id;
    }

    /// <summary>The names of the items dispatched so far, in dispatch order, once there are <paramref name="count"/>.</summary>
    /// <param name="host">The engine.</param>
    /// <param name="count">How many dispatched items to wait for.</param>
    /// <param name="nudge">After a clock jump the work waits for: move the clock a second per check, in case the
    /// dispatcher registered its next one-second wait just after the jump (it then counts from the new time).</param>
    private static async Task<IReadOnlyList<string>> DispatchedAsync(EngineHost host, int count, bool nudge = false)
    {
        IReadOnlyList<StoredEvent> events = [];
        await Eventually.TrueAsync(async () =>
        {
            if ((events = await host.Store.Reader.ListEventsAsync(EventName, null, 100, CancellationToken.None)).Count >= count) return true;
            if (nudge) host.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, $"{count} dispatched item(s)", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
        return events.OrderBy(e => e.Seq).Select(e => JsonNode.Parse(e.Body)!["data"]!["name"]!.GetValue<string>()).ToList();
    }

    /// <summary>Gives the dispatcher real time to act on what it was woken for; used to show nothing was dispatched.</summary>
    private static async Task<int> DispatchedCountAfterSettlingAsync(EngineHost host)
    {
        await Task.Delay(300);
        return (await host.Store.Reader.ListEventsAsync(EventName, null, 100, CancellationToken.None)).Count;
    }

    [Fact]
    public async Task With_the_family_paused_a_P3_then_a_P0_item_wait_and_after_resume_the_P0_item_is_dispatched_first()
    {
        await using var host = await StartAsync();
        var pauses = host.Get<QueuePauses>();
        Assert.Null((await pauses.PauseAsync(Family, TimeSpan.FromHours(1), "deploy", CancellationToken.None)).Error);
        await EmitAsync(host, "low", "P3");
        await EmitAsync(host, "urgent", "P0");
        Assert.Equal(0, await DispatchedCountAfterSettlingAsync(host));

        await pauses.ResumeAsync(Family, CancellationToken.None);
        Assert.Equal(["urgent", "low"], await DispatchedAsync(host, 2));
    }

    [Fact]
    public async Task Within_a_priority_items_are_dispatched_first_in_first_out()
    {
        await using var host = await StartAsync();
        await host.Get<QueuePauses>().PauseAsync(Family, TimeSpan.FromHours(1), null, CancellationToken.None);
        foreach (var name in new[] { "a", "b", "c" }) await EmitAsync(host, name, "P1");
        await host.Get<QueuePauses>().ResumeAsync(Family, CancellationToken.None);
        Assert.Equal(["a", "b", "c"], await DispatchedAsync(host, 3));
    }

    [Fact]
    public async Task A_P3_item_that_waited_longer_than_age_after_beats_a_newer_P2_item_but_a_fresh_P3_does_not()
    {
        await using var host = await StartAsync(q => q.AgeAfter = TimeSpan.FromMinutes(5));
        var pauses = host.Get<QueuePauses>();
        await pauses.PauseAsync(Family, TimeSpan.FromHours(1), "hold", CancellationToken.None);
        await EmitAsync(host, "old-p3", "P3");
        host.Advance(TimeSpan.FromMinutes(6));
        await EmitAsync(host, "new-p2", "P2");
        await EmitAsync(host, "fresh-p3", "P3");

        await pauses.ResumeAsync(Family, CancellationToken.None);
        Assert.Equal(["old-p3", "new-p2", "fresh-p3"], await DispatchedAsync(host, 3));
    }

    [Fact]
    public async Task A_pause_with_a_ttl_ends_by_itself_and_the_waiting_items_are_then_dispatched()
    {
        await using var host = await StartAsync();
        await host.Get<QueuePauses>().PauseAsync(Family, TimeSpan.FromMinutes(15), "maintenance", CancellationToken.None);
        await EmitAsync(host, "held");
        host.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await DispatchedCountAfterSettlingAsync(host));
        Assert.Single(await host.Get<QueuePauses>().ListAsync(CancellationToken.None));

        host.Advance(TimeSpan.FromMinutes(1.1));
        Assert.Equal(["held"], await DispatchedAsync(host, 1, nudge: true));
        Assert.Empty(await host.Store.Reader.KvListAsync(QueuePauses.Namespace, CancellationToken.None));
        await host.Get<TelemetrySink>().FlushAsync(CancellationToken.None);
        var records = await host.Store.Reader.SearchTelemetryAsync(new TelemetryQuery([], [], null, QueueTelemetry.Component, null, 100), CancellationToken.None);
        Assert.Contains(records, r => r.Action == "queue.family.expired");
        Assert.Contains(records, r => r.Action == "queue.item.dispatched");
    }

    [Fact]
    public async Task A_dedup_key_inside_the_window_is_stored_once_and_outside_it_is_stored_again()
    {
        await using var host = await StartAsync(q =>
        {
            var f = q.Families[Family];
            f.DedupWindow = TimeSpan.FromMinutes(1);
            f.DedupPath = "url";
        }, dispatch: false);
        var emitter = host.Get<QueueEmitter>();
        Task<(Switchyard.Client.Models.QueueEmitResult? Result, EngineError? Error)> Emit(string? key = null) =>
            emitter.EmitAsync(Family, new JsonObject { ["url"] = "https://a.example" }, null, key, CancellationToken.None);

        var first = (await Emit()).Result!;
        Assert.False(first.Deduplicated);
        // Racing emits of the same key: the check and the claim are one transaction, so none slips through.
        var racing = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Emit()));
        Assert.All(racing, r => Assert.True(r.Result!.Deduplicated));
        Assert.All(racing, r => Assert.Equal(first.Id, r.Result!.Id));
        Assert.Single(await host.Store.Reader.ListWorkItemsAsync(Family, null, true, 100, CancellationToken.None));
        Assert.Equal(10, (await host.Store.Reader.GetWorkItemAsync(first.Id, CancellationToken.None))!.Deduplicated);

        var explicitKey = (await Emit("other")).Result!;
        Assert.False(explicitKey.Deduplicated);

        host.Advance(TimeSpan.FromSeconds(61));
        var later = (await Emit()).Result!;
        Assert.False(later.Deduplicated);
        Assert.NotEqual(first.Id, later.Id);
        Assert.Equal(3, (await host.Store.Reader.ListWorkItemsAsync(Family, null, true, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task An_unknown_family_is_refused_naming_the_known_ones_and_nothing_is_stored()
    {
        await using var host = await StartAsync(q => q.Families["mail"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Event, Event = "m/x" }, dispatch: false);
        var (result, error) = await host.Get<QueueEmitter>().EmitAsync("jbos", [], null, null, CancellationToken.None);
        Assert.Null(result);
        Assert.Equal(EngineErrorKind.Invalid, error!.Kind);
        Assert.Equal("unknown_family", error.Code);
        Assert.Contains("known families: jobs, mail", error.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Store.Reader.ListWorkItemsAsync(null, null, true, 100, CancellationToken.None));
    }

    [Fact]
    public async Task The_pipeline_handler_launches_the_pipeline_with_the_item_and_records_the_run()
    {
        var launcher = new RecordingLauncher();
        await using var host = await StartAsync(
            q => q.Families["pipes"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Pipeline, Pipeline = "nightly" },
            s => s.AddSingleton<IPipelineLauncher>(launcher));
        var id = await EmitAsync(host, "build", family: "pipes");

        var item = await Eventually.GetAsync(async () => await host.Store.Reader.GetWorkItemAsync(id, CancellationToken.None) is { State: WorkItemState.Done } done ? done : null,
            "the pipeline item done", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
        var request = Assert.Single(launcher.Requests);
        Assert.Equal(new PipelineLaunchRequest("nightly", request.Input, "queue:" + id, "queue:pipes"), request);
        Assert.Equal("build", request.Input!["name"]!.GetValue<string>());
        Assert.Equal("run-1", item.Result);
    }

    [Fact]
    public async Task A_pipeline_item_for_a_pipeline_that_is_not_declared_fails_with_the_reason()
    {
        await using var host = await StartAsync(q => q.Families["pipes"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Pipeline, Pipeline = "nightly" });
        var id = await EmitAsync(host, "build", family: "pipes");
        var item = await Eventually.GetAsync(async () => await host.Store.Reader.GetWorkItemAsync(id, CancellationToken.None) is { State: WorkItemState.Failed } failed ? failed : null,
            "the pipeline item failed", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
        Assert.Contains("no pipeline is named 'nightly'", item.Error, StringComparison.Ordinal);
        var (view, _) = await host.Get<QueueInsight>().ExplainAsync(id, CancellationToken.None);
        Assert.Equal("failed", Assert.Single(view!.Why!).Code);
    }

    [Fact]
    public async Task Items_that_ended_longer_than_the_retention_ago_are_deleted_and_queued_ones_are_kept()
    {
        await using var host = await StartAsync(q => q.Retention = TimeSpan.FromHours(1));
        var done = await EmitAsync(host, "done");
        await DispatchedAsync(host, 1);
        await host.Get<QueuePauses>().PauseAsync(Family, TimeSpan.FromDays(1), "hold", CancellationToken.None);
        var waiting = await EmitAsync(host, "waiting");

        host.Advance(TimeSpan.FromMinutes(61));
        // The dispatcher's loop may register its next one-second wait just after the jump (it then counts from the new
        // time), so each check moves the clock a second more: the loop wakes whichever way the race went.
        await Eventually.TrueAsync(async () =>
        {
            if (await host.Store.Reader.GetWorkItemAsync(done, CancellationToken.None) is null) return true;
            host.Advance(TimeSpan.FromSeconds(1));
            return false;
        }, "the done item pruned", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));
        Assert.NotNull(await host.Store.Reader.GetWorkItemAsync(waiting, CancellationToken.None));
    }

    [Fact]
    public async Task Why_says_paused_and_how_many_items_of_higher_priority_are_ahead()
    {
        await using var host = await StartAsync();
        await host.Get<QueuePauses>().PauseAsync(Family, TimeSpan.FromHours(1), "deploy in progress", CancellationToken.None);
        await EmitAsync(host, "a", "P0");
        await EmitAsync(host, "b", "P1");
        var low = await EmitAsync(host, "c", "P2");
        var (view, error) = await host.Get<QueueInsight>().ExplainAsync(low, CancellationToken.None);
        Assert.Null(error);
        Assert.Contains(view!.Why!, w => w.Code == "paused" && w.Message.Contains("deploy in progress", StringComparison.Ordinal));
        Assert.Contains(view.Why!, w => w.Code == "behind" && w.Message.StartsWith("waiting behind 2 item(s) of higher priority", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_families_are_refused_when_the_engine_starts_also_without_yard_toml()
    {
        var options = new ServerOptions();
        options.Queue.Families["jobs"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Http };
        var ex = Assert.Throws<InvalidDataException>(() => new QueueFamilies(options));
        Assert.Contains("queue.families.jobs.url is required", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A stand-in for the pipeline runtime: records each request and answers a started run.</summary>
    private sealed class RecordingLauncher : IPipelineLauncher
    {
        public List<PipelineLaunchRequest> Requests { get; } = [];

        public IReadOnlyList<string> Names => ["nightly"];

        public bool Exists(string name) => name == "nightly";

        public PipelineLaunchResult Launch(IStoreTransaction tx, PipelineLaunchRequest request)
        {
            lock (Requests) Requests.Add(request);
            return new PipelineLaunchResult(PipelineLaunchOutcome.Started, $"run-{Requests.Count}", null, "started");
        }
    }
}
