using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Worker.Hosting;

/// <summary>The worker's calls to the bus server besides the SDK's own: the REST API (<c>/v1</c>), app sync and
/// telemetry.</summary>
internal sealed class BusClient(IHttpClientFactory http, WorkerOptions options)
{
    public const string HttpClientName = "switchyard-worker-bus";

    /// <summary>GETs a <c>/v1</c> path and returns its JSON object.</summary>
    public async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        Authorize(request, options.ApiToken);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Asks the server to sync the app served at <paramref name="serveUrl"/> (the server PUTs it, the SDK
    /// registers) and returns the server's answer.</summary>
    public async Task<JsonObject> SyncAsync(Uri serveUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/v1/apps/sync")) { Content = JsonContent.Create(new { url = serveUrl.ToString() }) };
        Authorize(request, options.ApiToken);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Posts one telemetry event to <c>/observability/emit</c>.</summary>
    public async Task EmitAsync(JsonObject telemetry, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/observability/emit")) { Content = JsonContent.Create(telemetry) };
        Authorize(request, options.TelemetryToken ?? options.ApiToken);
        await SendAsync(request, cancellationToken);
    }

    private Uri Url(string path) => new(new Uri(options.ServerUrl.AbsoluteUri.TrimEnd('/') + "/"), path.TrimStart('/'));

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (!string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task<JsonObject> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported below with the raw text.
        }
        if (!response.IsSuccessStatusCode || body is null)
        {
            var message = body?["error"]?["message"]?.ToString() ?? (text.Length > 300 ? text[..300] : text);
            throw new HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {message}", null, response.StatusCode);
        }
        return body;
    }
}
