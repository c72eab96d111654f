using System.Text.Json.Nodes;

namespace Switchyard.Worker.Tests.Dags;

/// <summary><c>yard dag</c> as a user runs it: a real <c>yard</c> process against a server with a host worker.</summary>
public sealed class DagCliTests : IAsyncLifetime
{
    private DagHost _host = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _host = await DagHost.StartAsync();
        _dir = TempDir.Create();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Dag_run_wait_prints_each_node_and_exits_1_when_the_dag_failed()
    {
        var good = File("good.toml", """
            [[nodes]]
            id = "hello"
            handler = "shell"
            config = { command = "echo hi" }
            [[nodes]]
            id = "after"
            handler = "noop"
            depends_on = ["hello"]
            config = { output = "{{nodes.hello.output}} there" }
            """);
        var (code, envelope, stderr) = await Yard.RunJsonAsync("dag", "run", good, "--wait", "--server", _host.Server.Url.ToString());
        Assert.True(code == 0, stderr + envelope.ToJsonString());
        Assert.Equal("Completed", envelope["result"]!["status"]!.GetValue<string>());
        Assert.Equal("hi there", envelope["result"]!["nodes"]![1]!["output"]!.GetValue<string>());

        var bad = File("bad.json", """{"nodes":[{"id":"boom","handler":"shell","config":{"command":"exit 7"}},{"id":"never","handler":"noop","dependsOn":["boom"]}]}""");
        (code, envelope, _) = await Yard.RunJsonAsync("dag", "run", bad, "--wait", "--server", _host.Server.Url.ToString());
        Assert.Equal(1, code);
        var result = envelope["result"]!;
        Assert.Equal(("Failed", "boom"), (result["status"]!.GetValue<string>(), result["failedNode"]!.GetValue<string>()));
        Assert.Equal("skipped", result["nodes"]![1]!["state"]!.GetValue<string>());

        var runId = result["runId"]!.GetValue<string>();
        (code, envelope, _) = await Yard.RunJsonAsync("dag", "show", runId, "--format", "mermaid", "--server", _host.Server.Url.ToString());
        Assert.Equal(0, code);
        var mermaid = envelope["result"]!["mermaid"]!.GetValue<string>();
        Assert.Contains("n0 --> n1", mermaid);
        Assert.Contains(":::failed", mermaid);
        Assert.Contains(":::skipped", mermaid);

        (code, envelope, _) = await Yard.RunJsonAsync("dag", "runs", "--status", "failed", "--server", _host.Server.Url.ToString());
        Assert.Equal(runId, Assert.Single(envelope["result"]!["runs"]!.AsArray())!["runId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_dag_file_gets_the_error_envelope_naming_the_node_and_field()
    {
        var bad = File("cycle.json", """{"nodes":[{"id":"a","handler":"noop","dependsOn":["b"]},{"id":"b","handler":"noop","dependsOn":["a"]}]}""");
        var (code, envelope, _) = await Yard.RunJsonAsync("dag", "run", bad, "--server", _host.Server.Url.ToString());
        Assert.Equal(1, code);
        Assert.Equal("invalid_dag", envelope["error"]!["code"]!.GetValue<string>());
        Assert.Contains("cycle", envelope["error"]!["message"]!.GetValue<string>());
    }
}
