using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Hosting;

/// <summary>The gateway's client of the bus server beyond the SDK: the REST API (<c>/v1</c>, for the stream's event
/// and run topics) and telemetry (<c>POST /observability/emit</c>). Telemetry never throws: a gateway that cannot
/// report still delivers.</summary>
public sealed class BusClient(GatewayConfig config, IHttpClientFactory http, ILogger<BusClient> logger)
{
    /// <summary>Name of the HttpClient.</summary>
    public const string HttpClientName = "gateway-bus";

    /// <summary>GETs a REST path and returns its JSON object.</summary>
    public async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(config.ServerUrl, path));
        if (config.ApiToken is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
    }

    /// <summary>Posts one telemetry event (source <c>gateway</c>).</summary>
    public async Task TelemetryAsync(string level, string component, string action, string? error, JsonObject? metadata, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["level"] = level, ["source"] = "gateway", ["component"] = component, ["action"] = action,
            ["success"] = level is not ("error" or "warn"), ["metadata"] = metadata ?? [],
        };
        if (error is not null) body["error"] = error;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(config.ServerUrl, "/observability/emit")) { Content = JsonContent.Create(body) };
            if ((config.TelemetryToken ?? config.ApiToken) is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cts.Token);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("telemetry {Action} not accepted: HTTP {Status}", action, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("telemetry {Action} not sent: {Error}", action, ex.Message);
        }
    }
}
