using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Bench;

/// <summary>The unmodified inngest app of <c>bench/js-app</c>, run with node and pointed at a server with
/// <c>INNGEST_DEV</c>; its sink counts the runs whose last step reached it.</summary>
internal sealed class NodeBenchApp : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private NodeBenchApp(Process process, Uri baseUrl)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = baseUrl };
    }

    /// <summary>The serve endpoint to sync.</summary>
    public Uri ServeUrl => new(_http.BaseAddress!, "/api/inngest");

    public int Pid => _process.Id;

    /// <summary>Starts <c>node bench/js-app/app.js</c> (installed by side-by-side.sh) and waits for its port.</summary>
    public static async Task<NodeBenchApp> StartAsync(string appDir, Uri serverUrl)
    {
        var psi = new ProcessStartInfo("node", [Path.Combine(appDir, "app.js")]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = appDir };
        psi.Environment["INNGEST_DEV"] = serverUrl.ToString().TrimEnd('/');
        psi.Environment["PORT"] = "0";
        var process = Process.Start(psi)!;
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("listening on ", StringComparison.Ordinal))
            throw new InvalidOperationException($"bench/js-app did not start (did npm ci run in {appDir}?): {line}");
        return new NodeBenchApp(process, new Uri($"http://127.0.0.1:{line["listening on ".Length..]}"));
    }

    /// <summary>How many runs posted to the sink so far.</summary>
    public async Task<long> SinkCountAsync() => (await _http.GetFromJsonAsync<JsonObject>("/sink"))!["received"]!.GetValue<long>();

    public void Dispose()
    {
        _http.Dispose();
        _process.Kill(true);
        _process.WaitForExit();
    }
}
