using System.Globalization;
using System.Text.Json.Nodes;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Worker.Tests.Dags;

/// <summary>Durability of DAG runs against kill -9: a real <c>yard dev</c> and a real <c>yard worker</c> process, killed
/// mid-load. Every shell execution leaves a file named after its run, node and attempt, so a node that ran twice in one
/// attempt, or a finished node that ran again, shows on disk.</summary>
public sealed class DagCrashTests
{
    private const int Dags = 100;
    private static readonly string[] ShellNodes = ["a", "c", "d"];

    [Fact]
    public async Task Dag_runs_survive_kill_9_of_the_server_twice_and_the_worker_once()
    {
        var data = TempDir.Create();
        var effects = Directory.CreateDirectory(Path.Combine(TempDir.Create(), "effects")).FullName;
        var port = Loopback.FreePort();
        var workerPort = Loopback.FreePort();
        var server = await YardProcess.StartDevAsync(data, port);
        var worker = StartWorker(server.Url, workerPort);
        using var client = new SwitchyardClient(new SwitchyardClientOptions { ServerUrl = server.Url });
        try
        {
            await Eventually.TrueAsync(async () => (await client.ListFunctionsAsync()).Functions.Any(f => f.Id == "switchyard-shell-host"), "the worker to register");
            var dag = JsonNode.Parse("""
                {"nodes":[
                  {"id":"a","handler":"shell","config":{"command":"sleep 1.$(( $(od -An -N1 -tu1 /dev/urandom) % 10 )); echo x >> \"$OUT/$SWITCHYARD_RUN_ID.$SWITCHYARD_NODE_ID.$SWITCHYARD_ATTEMPT\"; echo a","env":{"OUT":"@OUT@"}}},
                  {"id":"b","handler":"noop","dependsOn":["a"],"config":{"output":"{{nodes.a.output}}b"}},
                  {"id":"c","handler":"shell","dependsOn":["a"],"config":{"command":"sleep 1.$(( $(od -An -N1 -tu1 /dev/urandom) % 10 )); echo x >> \"$OUT/$SWITCHYARD_RUN_ID.$SWITCHYARD_NODE_ID.$SWITCHYARD_ATTEMPT\"; echo c","env":{"OUT":"@OUT@"}}},
                  {"id":"d","handler":"shell","dependsOn":["b"],"config":{"command":"sleep 1.$(( $(od -An -N1 -tu1 /dev/urandom) % 10 )); echo x >> \"$OUT/$SWITCHYARD_RUN_ID.$SWITCHYARD_NODE_ID.$SWITCHYARD_ATTEMPT\"; echo \"$DEP_B\"","env":{"OUT":"@OUT@"}}},
                  {"id":"e","handler":"noop","dependsOn":["c","d"]}]}
                """.Replace("@OUT@", effects))!.AsObject();
            var runIds = new List<string>();
            // Submitted over about three seconds, with shell nodes of 1 to 2 s, so the load is steady while the kills land.
            for (var i = 0; i < Dags; i++)
            {
                runIds.Add((await client.SubmitDagAsync((JsonObject)dag.DeepClone())).RunId);
                if (i % 10 == 9) await Task.Delay(300);
            }

            // Each kill lands while runs are mid-flight: some DAG runs done, the rest still running. Each waits for a
            // share of the runs to complete (not for a count of shell executions, which a fast machine could reach only
            // after every run had ended), so at least 40 of the 100 are still in flight when it lands.
            async Task KillWhenBusyAsync(int completed, Func<Task> kill)
            {
                await Eventually.TrueAsync(async () => (await client.ListDagRunsAsync(status: "completed", count: Dags)).Runs.Count >= completed,
                    $"{completed} DAG runs completed", TimeSpan.FromSeconds(90));
                var running = (await client.ListDagRunsAsync(status: "running", count: Dags)).Runs.Count;
                Assert.True(running > 0, "the kill must hit DAG runs in flight");
                await kill();
            }

            await KillWhenBusyAsync(10, async () =>
            {
                server.Kill();
                await server.DisposeAsync();
                server = await YardProcess.StartDevAsync(data, port);
            });
            await KillWhenBusyAsync(30, async () =>
            {
                worker.Kill();
                await worker.DisposeAsync();
                worker = StartWorker(server.Url, workerPort);
            });
            await KillWhenBusyAsync(50, async () =>
            {
                server.Kill();
                await server.DisposeAsync();
                server = await YardProcess.StartDevAsync(data, port);
            });

            var views = new List<DagRunView>();
            foreach (var id in runIds)
                views.Add(await Eventually.GetAsync(async () =>
                {
                    var view = await client.GetDagRunAsync(id, TimeSpan.FromSeconds(5));
                    return view.Status is "Completed" or "Failed" or "Cancelled" ? view : null;
                }, $"DAG run {id} to end", TimeSpan.FromSeconds(120)));

            Assert.All(views, v => Assert.Equal("Completed", v.Status));
            foreach (var view in views)
            {
                Assert.Equal("ab", view.Nodes.Single(n => n.Id == "d").Output!.GetValue<string>());
                foreach (var node in ShellNodes)
                {
                    var finalAttempt = view.Nodes.Single(n => n.Id == node).Detail!["attempt"]!.GetValue<int>();
                    var files = Directory.GetFiles(effects, $"{view.RunId}.{node}.*");
                    // No attempt ran twice: at most one line in its file (an execution killed between the shell's
                    // opening the file and writing leaves it empty), and exactly one for the attempt that finished.
                    Assert.All(files, f => Assert.True(File.ReadAllLines(f).Length <= 1, $"{f} ran more than once"));
                    Assert.Single(File.ReadAllLines(Path.Combine(effects, $"{view.RunId}.{node}.{finalAttempt}")));
                    // The attempt that finished the node is the last one: a finished node never ran again.
                    var attempts = files.Select(f => int.Parse(f[(f.LastIndexOf('.') + 1)..], CultureInfo.InvariantCulture)).ToList();
                    Assert.Contains(finalAttempt, attempts);
                    Assert.Equal(finalAttempt, attempts.Max());
                }
            }
        }
        finally
        {
            await worker.DisposeAsync();
            await server.DisposeAsync();
        }
    }

    private static YardProcess StartWorker(Uri server, int port) =>
        YardProcess.Start(null, "worker", "--role", "host", "--allow-shell", "--port", port.ToString(CultureInfo.InvariantCulture), "--server", server.ToString());
}
