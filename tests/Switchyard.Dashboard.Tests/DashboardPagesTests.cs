using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Switchyard.Configuration;
using Switchyard.Worker;
using static Microsoft.Playwright.Assertions;

namespace Switchyard.Dashboard.Tests;

/// <summary>The dashboard's operating pages in dev mode through real headless Chromium: invoke, cancel, rerun,
/// replay, trace, DAG runs and pipelines, the queue, apps, cron, webhooks and telemetry. Each saves a screenshot of
/// the page it exercised into docs/screenshots.</summary>
public sealed class DashboardPagesTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Invoking_a_function_with_json_data_opens_its_run_which_used_the_data()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>());
        var page = await browser.NewPageAsync(server.Url);

        await InvokeAsync(page, "dash-greeter", """{"name": "Invoked"}""");

        await page.WaitForURLAsync("**/ui/runs/*");
        var runId = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
        await server.WaitForRunAsync(runId);
        await page.ReloadAsync();
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#steps")).ToContainTextAsync("\"hello, Invoked\"");
    }

    [Fact]
    public async Task Data_that_is_not_a_json_object_is_refused_with_a_notice_and_starts_no_run()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>());
        var page = await browser.NewPageAsync(server.Url);

        await InvokeAsync(page, "dash-greeter", "[1, 2");

        await Expect(page.Locator(".notice")).ToContainTextAsync("data for dash-greeter is not a JSON object");
        Assert.Empty((await server.GetAsync("/v1/runs"))["runs"]!.AsArray());
    }

    [Fact]
    public async Task A_waiting_run_is_cancelled_and_then_rerun_from_its_page()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Approver>());
        var eventId = await server.SendEventAsync("dash/approval", new { order = 7 });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await Eventually.TrueAsync(async () => (await server.GetAsync($"/v1/runs/{runId}"))["history"]!.AsArray().Any(h => h!["kind"]!.GetValue<string>() == "wait.started"), "the run to wait");
        var page = await browser.NewPageAsync(server.Url);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync($"/ui/runs/{runId}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Cancelled");
        Assert.Equal("Cancelled", (await server.GetAsync($"/v1/runs/{runId}"))["run"]!["status"]!.GetValue<string>());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Rerun" }).ClickAsync();

        await page.WaitForURLAsync(url => !url.EndsWith(runId, StringComparison.Ordinal));
        var rerunId = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
        var rerun = (await server.GetAsync($"/v1/runs/{rerunId}"))["run"]!;
        Assert.Equal("dash-approver", rerun["functionId"]!.GetValue<string>());
        Assert.NotEqual("Cancelled", rerun["status"]!.GetValue<string>());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task An_event_is_traced_through_the_event_it_caused_and_replayed_as_a_new_event()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Emitter>().AddFunction<Greeter>().AddFunction<BigOrders>());
        var eventId = await server.SendEventAsync("dash/emit", new { why = "trace" });
        var emitterRun = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        await server.WaitForRunAsync(emitterRun);
        var sent = (await server.EventsAsync("dash/hello")).Single()["id"]!.GetValue<string>();
        await server.WaitForRunAsync((await server.WaitForRunsOfEventAsync(sent))[0]!["id"]!.GetValue<string>());
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync($"/ui/events/{Uri.EscapeDataString(eventId)}");

        await page.Locator("#trace-link").ClickAsync();

        var root = page.Locator($"#trace > li[data-event='{eventId}']");
        await Expect(root.Locator("> ul > .trace-function[data-function='dash-emitter'] > .outcome")).ToHaveTextAsync("matched");
        var run = root.Locator($".trace-run[data-run='{emitterRun}']");
        await Expect(run.Locator("> ul > .trace-step")).ToContainTextAsync("greet");
        var child = run.Locator($".trace-event[data-event='{sent}']");
        await Expect(child.Locator(".event-name")).ToHaveTextAsync("dash/hello");
        await Expect(child.Locator(".trace-function[data-function='dash-greeter'] .trace-run .status")).ToHaveTextAsync("Completed");
        await Browser.ScreenshotAsync(page, "trace");

        await page.GotoAsync($"/ui/events/{Uri.EscapeDataString(eventId)}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();

        await page.WaitForURLAsync(url => !url.EndsWith(Uri.EscapeDataString(eventId), StringComparison.Ordinal));
        await Expect(page.Locator("h1 .event-name")).ToHaveTextAsync("dash/emit");
        var replayed = (await server.EventsAsync("dash/emit")).Select(e => e["id"]!.GetValue<string>()).Single(id => id != eventId);
        Assert.EndsWith(Uri.EscapeDataString(replayed), page.Url, StringComparison.Ordinal);
        Assert.Single(await server.WaitForRunsOfEventAsync(replayed));
    }

    [Fact]
    public async Task A_dag_run_page_shows_each_node_with_its_state_and_output_and_a_pipeline_is_triggered()
    {
        await using var server = await TestServer.StartAsync(o => o.Pipelines["probe"] = Announce);
        var worker = WorkerApp.Build(new WorkerOptions { Role = WorkerRoles.Host, Port = 0, ServerUrl = server.Url, AllowShell = false, SyncAtStart = false }, _ => { });
        await worker.StartAsync();
        try
        {
            await worker.SyncAsync();
            var submitted = await PostAsync(server, "/v1/dags", Probe(server.Url.ToString().TrimEnd('/')));
            var runId = submitted["runId"]!.GetValue<string>();
            await server.WaitForRunAsync(runId);
            var page = await browser.NewPageAsync(server.Url);
            await page.GotoAsync("/ui/dags");
            await Expect(page.Locator($"#dags tr[data-id='{runId}'] .status")).ToHaveTextAsync("Completed");
            await Browser.ScreenshotAsync(page, "dags");

            await page.Locator($"#dags tr[data-id='{runId}'] a").First.ClickAsync();

            await Expect(page.Locator("#dag-status")).ToHaveTextAsync("Completed");
            await Expect(page.Locator("#dag-nodes tr[data-node='health'] .status")).ToHaveTextAsync("completed");
            await Expect(page.Locator("#dag-nodes tr[data-node='health'] pre")).ToContainTextAsync("\"status\": 200");
            await Expect(page.Locator("#dag-nodes tr[data-node='functions'] td").Nth(2)).ToHaveTextAsync("health");
            await Expect(page.Locator("svg.gantt g[data-node] rect")).ToHaveCountAsync(2);
            await Browser.ScreenshotAsync(page, "dag");

            await page.GotoAsync("/ui/pipelines");
            await page.Locator("#pipelines tr[data-pipeline='probe'] a").First.ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Trigger" }).ClickAsync();

            await page.WaitForURLAsync("**/ui/dags/*");
            await Expect(page.Locator("dl.facts")).ToContainTextAsync("probe");
            var triggered = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
            Assert.Equal("probe", (await server.GetAsync($"/v1/dags/{triggered}"))["pipeline"]!.GetValue<string>());
            await page.GotoAsync("/ui/pipelines/probe");
            await Expect(page.Locator("#pipeline-history")).ToContainTextAsync(triggered);
            await Browser.ScreenshotAsync(page, "pipeline");
        }
        finally
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_queue_family_is_paused_with_a_reason_and_resumed()
    {
        await using var server = await TestServer.StartAsync(o =>
            o.Queue.Families["jobs"] = new QueueFamilyOptions { Handler = QueueHandlerKind.Event, Event = "work/job" });
        var page = await browser.NewPageAsync(server.Url);
        await page.GotoAsync("/ui/queue");
        var card = page.Locator("article[data-family='jobs']");

        await card.GetByLabel("Reason").FillAsync("deploy in progress");
        await card.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();

        await Expect(card.Locator(".paused-badge")).ToContainTextAsync("paused until");
        await Expect(card).ToContainTextAsync("deploy in progress");
        var family = (await server.GetAsync("/v1/queue/stats"))["families"]!.AsArray().Single(f => f!["family"]!.GetValue<string>() == "jobs")!;
        Assert.Equal("deploy in progress", family["pause"]!["reason"]!.GetValue<string>());
        await Browser.ScreenshotAsync(page, "queue");

        await card.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        await Expect(card.Locator(".paused-badge")).ToHaveCountAsync(0);
        family = (await server.GetAsync("/v1/queue/stats"))["families"]!.AsArray().Single(f => f!["family"]!.GetValue<string>() == "jobs")!;
        Assert.Null(family["pause"]);
    }

    [Fact]
    public async Task The_apps_cron_webhooks_and_telemetry_pages_show_what_the_cli_shows()
    {
        await using var server = await TestServer.StartAsync(o => o.Webhooks.GithubSecret = "github-secret");
        await using var app = await TestApp.StartAsync(server, "dash", f => f.AddFunction<Greeter>().AddFunction<Nightly>());
        await PostAsync(server, "/observability/emit", new JsonArray(
            new JsonObject { ["level"] = "error", ["source"] = "billing", ["component"] = "charger", ["action"] = "charge", ["success"] = false, ["error"] = "card declined by issuer" },
            new JsonObject { ["level"] = "info", ["source"] = "billing", ["component"] = "charger", ["action"] = "charge", ["success"] = true }));
        var page = await browser.NewPageAsync(server.Url);

        await page.GotoAsync("/ui/apps");
        await Expect(page.Locator("#components tr[data-component='app dash'] .health-ok")).ToHaveTextAsync("ok");
        await Expect(page.Locator("article[data-app='dash']")).ToContainTextAsync("dash-nightly");
        await Browser.ScreenshotAsync(page, "apps");

        await page.GotoAsync("/ui/cron");
        var cron = page.Locator("#cron tr[data-function='dash-nightly']");
        await Expect(cron).ToContainTextAsync("0 3 * * *");
        await Expect(cron.Locator("td").Nth(4)).ToContainTextAsync(" 03:00:00");
        await Browser.ScreenshotAsync(page, "cron");

        await page.GotoAsync("/ui/webhooks");
        await Expect(page.Locator("#providers tr[data-provider='github']")).ToContainTextAsync("ready");
        await Expect(page.Locator("#providers tr[data-provider='github'] code")).ToHaveTextAsync($"{server.Url.ToString().TrimEnd('/')}/webhooks/github");
        await Browser.ScreenshotAsync(page, "webhooks");

        await page.GotoAsync("/ui/telemetry?q=declined");
        await Expect(page.Locator("#telemetry-results tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#telemetry-results")).ToContainTextAsync("card declined by issuer");
        await Expect(page.Locator("#telemetry-stats")).ToContainTextAsync("2");
        await Browser.ScreenshotAsync(page, "telemetry");

        var bad = await page.GotoAsync("/ui/telemetry?q=x&level=loud");
        Assert.Equal(400, bad!.Status);
        await Expect(page.Locator(".error")).ToContainTextAsync("level must be one of");
    }

    /// <summary>Opens the functions page and invokes <paramref name="functionId"/> with <paramref name="data"/> typed
    /// into its Invoke form.</summary>
    private static async Task InvokeAsync(IPage page, string functionId, string data)
    {
        await page.GotoAsync("/ui/functions");
        var card = page.Locator($"article[data-function='{functionId}']");
        await card.Locator("summary", new() { HasText = "Invoke" }).ClickAsync();
        await card.GetByLabel("Data (JSON object)").FillAsync(data);
        await card.GetByRole(AriaRole.Button, new() { Name = "Invoke" }).ClickAsync();
    }

    /// <summary>A pipeline of one node that sends an event.</summary>
    private static JsonObject Announce => new()
    {
        ["nodes"] = new JsonArray(new JsonObject { ["id"] = "announce", ["handler"] = "event", ["config"] = new JsonObject { ["name"] = "dash/pipeline" } }),
    };

    private static async Task<JsonObject> PostAsync(TestServer server, string path, JsonNode body)
    {
        using var response = await server.Http.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Two HTTP nodes against the server itself, the second after the first.</summary>
    private static JsonObject Probe(string url) => new()
    {
        ["nodes"] = new JsonArray(
            new JsonObject { ["id"] = "health", ["handler"] = "http", ["config"] = new JsonObject { ["url"] = url + "/health" } },
            new JsonObject { ["id"] = "functions", ["handler"] = "http", ["dependsOn"] = new JsonArray("health"), ["config"] = new JsonObject { ["url"] = url + "/v1/functions" } }),
    };
}
