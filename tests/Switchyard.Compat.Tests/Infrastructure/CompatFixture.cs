using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>One Switchyard server with the JS app and a C# app synced to it. Subclasses choose the mode.</summary>
public abstract class CompatFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;
    public NodeApp Js { get; private set; } = null!;
    public TestApp Cs { get; private set; } = null!;

    /// <summary>How long setup took (npm install on a cold cache, server, node, sync).</summary>
    public TimeSpan SetupTime { get; private set; }

    protected abstract void ConfigureServer(Switchyard.Configuration.ServerOptions options);

    /// <summary>The environment the JS app gets, given the server's URL.</summary>
    protected abstract IReadOnlyDictionary<string, string> JsEnvironment(Uri serverUrl);

    protected abstract void ConfigureCsApp(Switchyard.Sdk.SwitchyardOptions options, Uri serverUrl);

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        Server = (await TestServer.StartAsync(options =>
        {
            // Short retries keep the suite fast; retry-after answers are still honoured (at least 1 s).
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(400);
            ConfigureServer(options);
        })).UseApiToken();
        try
        {
            Js = await NodeApp.StartAsync(JsEnvironment(Server.Url), CancellationToken.None);
            Cs = await TestApp.StartAsync("compat-cs", o => ConfigureCsApp(o, Server.Url), sdk => sdk.AddFunction<DoubleNumber>().AddFunction<CallsJs>());
            await Server.SyncAsync(Js.ServeUrl);
            await Server.SyncAsync(Cs.ServeUrl);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
        SetupTime = started.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (Js is not null) await Js.DisposeAsync();
        if (Cs is not null) await Cs.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>Sends an event and returns the run it started for <paramref name="functionId"/>.</summary>
    public async Task<string> StartRunAsync(string eventName, object data, string functionId)
    {
        var eventId = await Server.SendEventAsync(eventName, data);
        return await RunOfEventAsync(eventId, functionId);
    }

    public async Task<string> RunOfEventAsync(string eventId, string functionId)
    {
        JsonObject? e = null;
        var run = await Eventually.GetAsync(async () =>
        {
            e = await Server.GetAsync($"/v1/events/{eventId}");
            return e["runs"]!.AsArray().FirstOrDefault(r => (string?)r!["functionId"] == functionId);
        }, () => $"event {eventId} to start a run of {functionId}: {e?.ToJsonString()}{AppOutput}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        return (string)run["id"]!;
    }

    /// <summary>Polls a run until it ends; returns <c>{run, steps, history}</c>.</summary>
    public async Task<JsonObject> WaitForRunAsync(string runId, TimeSpan? timeout = null)
    {
        try { return await Server.WaitForRunAsync(runId, timeout); }
        catch (TimeoutException e) { throw new TimeoutException(e.Message + AppOutput, e); }
    }

    /// <summary>Polls a run until its history has an entry of <paramref name="kind"/>.</summary>
    public async Task WaitForHistoryAsync(string runId, string kind)
    {
        JsonObject? run = null;
        await Eventually.TrueAsync(async () =>
        {
            run = await Server.GetAsync($"/v1/runs/{runId}");
            return run["history"]!.AsArray().Any(h => (string?)h!["kind"] == kind);
        }, () => $"run {runId} to record {kind}: {run?.ToJsonString()}", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Polls the runs of <paramref name="functionId"/> until one has ended and satisfies
    /// <paramref name="predicate"/>; returns it as <c>{run, steps, history}</c>.</summary>
    public Task<JsonObject> WaitForFunctionRunAsync(string functionId, Func<JsonObject, bool> predicate) =>
        Eventually.GetAsync(async () =>
        {
            foreach (var summary in (await Server.GetAsync($"/v1/runs?function={functionId}&count=100"))["runs"]!.AsArray())
            {
                if ((string?)summary!["status"] is not ("Completed" or "Failed" or "Cancelled")) continue;
                var run = await Server.GetAsync($"/v1/runs/{(string)summary["id"]!}");
                if (predicate(run)) return run;
            }
            return null;
        }, () => $"an ended run of {functionId} that matches{AppOutput}", TimeSpan.FromSeconds(20));

    private string AppOutput => $"\n--- app output ---\n{Js.Output}";

    /// <summary>Sends an event and waits for the run of <paramref name="functionId"/> to end.</summary>
    public async Task<JsonObject> RunAsync(string eventName, object data, string functionId, TimeSpan? timeout = null) =>
        await WaitForRunAsync(await StartRunAsync(eventName, data, functionId), timeout);
}
