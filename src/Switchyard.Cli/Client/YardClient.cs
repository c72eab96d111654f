using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Client;

/// <summary>The CLI's client of the server's REST API (<c>/v1/</c>) and Event API. Failures become
/// <see cref="CliException"/>s that say how to fix them.</summary>
public sealed class YardClient(Uri server, string? apiToken, string eventKey) : IDisposable
{
    private readonly HttpClient _http = Create(server, apiToken);

    /// <summary>The server URL.</summary>
    public Uri Server { get; } = server;

    /// <summary>GET a REST path.</summary>
    public Task<JsonObject> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>POST a REST path with a JSON body.</summary>
    public Task<JsonObject> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    /// <summary>Sends events through the Event API and returns their ids and the W3C trace id they were sent
    /// under (the root of their spans, when the server exports traces).</summary>
    public async Task<(IReadOnlyList<string> Ids, string TraceId)> SendEventsAsync(JsonNode events, CancellationToken ct)
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var traceparent = $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01";
        var result = await SendAsync(HttpMethod.Post, $"/e/{Uri.EscapeDataString(eventKey)}", events, ct, traceparent);
        return (result["ids"]?.AsArray().Select(i => i!.GetValue<string>()).ToList() ?? [], traceId);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (traceparent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        if (body is not null) request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException("server_unreachable", $"cannot reach the Switchyard server at {Server} ({ex.Message})",
                "start it with `yard dev` (or point the CLI elsewhere with --server URL or SWITCHYARD_SERVER_URL)");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException("server_timeout", $"the Switchyard server at {Server} did not answer in time", "check `yard status` or the server's log");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try { json = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && json is not null) return json;
            var code = json?["error"]?["code"]?.GetValue<string>() ?? (response.StatusCode == HttpStatusCode.NotFound ? "not_found" : "http_" + (int)response.StatusCode);
            var message = json?["error"]?["message"]?.GetValue<string>() ?? json?["error"]?.ToString() ?? $"server answered {(int)response.StatusCode}";
            var fix = response.StatusCode == HttpStatusCode.Unauthorized
                ? "set SWITCHYARD_API_TOKEN (REST API) or SWITCHYARD_EVENT_KEY (sending) to the server's values"
                : null;
            throw new CliException(code, message, fix);
        }
    }

    private static HttpClient Create(Uri server, string? apiToken)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        if (!string.IsNullOrEmpty(apiToken)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        return http;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
