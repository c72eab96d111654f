using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Client;
using Switchyard.Client.Models;
using Switchyard.Configuration;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>A real server (dev mode, SQLite) with a host worker that allows shell, in-process: everything a DAG run
/// needs. Tests submit DAGs through the typed client, as <c>yard dag run</c> does.</summary>
public sealed class DagHost : IAsyncDisposable
{
    private DagHost(TestServer server, WorkerApp worker, SwitchyardClient client)
    {
        Server = server;
        Worker = worker;
        Client = client;
    }

    public TestServer Server { get; }
    public WorkerApp Worker { get; }
    public SwitchyardClient Client { get; }

    public static async Task<DagHost> StartAsync(Action<ServerOptions>? configure = null, string? dataDir = null)
    {
        var server = await TestServer.StartAsync(configure, dataDir);
        var worker = WorkerApp.Build(new WorkerOptions { Role = WorkerRoles.Host, Port = 0, ServerUrl = server.Url, AllowShell = true, SyncAtStart = false }, _ => { });
        await worker.StartAsync();
        await worker.SyncAsync();
        return new DagHost(server, worker, new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = server.Url }));
    }

    /// <summary>Submits <paramref name="dag"/> (JSON text) and waits for the run to end.</summary>
    public async Task<DagRunView> RunAsync(string dag, TimeSpan? timeout = null)
    {
        var submitted = await Client.SubmitDagAsync(JsonNode.Parse(dag)!.AsObject());
        return await WaitAsync(submitted.RunId, timeout);
    }

    /// <summary>Waits for a DAG run to end.</summary>
    public Task<DagRunView> WaitAsync(string runId, TimeSpan? timeout = null)
    {
        DagRunView? last = null;
        return Eventually.GetAsync(async () =>
        {
            last = await Client.GetDagRunAsync(runId, TimeSpan.FromSeconds(5));
            return last.Status is "Completed" or "Failed" or "Cancelled" ? last : null;
        }, () => $"DAG run {runId} to end (last: {System.Text.Json.JsonSerializer.Serialize(last)})", timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>POSTs a raw body to <c>/v1/dags</c>.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string body) =>
        Server.Http.PostAsync("/v1/dags", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Worker.StopAsync();
        await Worker.DisposeAsync();
        await Server.DisposeAsync();
    }
}
