using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Configuration;

namespace Switchyard.Server.Dashboard;

/// <summary>The gateway's control routes as the dashboard reaches them: <c>gateway_url</c> from the server's options
/// (the one <c>yard status</c> probes) and the control token from <c>SWITCHYARD_GATEWAY_TOKEN</c>, which the CLI's
/// <c>yard gateway</c> commands read too. The gateway is a separate process (it talks to the bus like any client), so
/// this is an HTTP call and not a shared in-process method.</summary>
internal sealed class DashboardGateway(ServerOptions options, IHttpClientFactory clients)
{
    /// <summary>The variable holding the gateway's control token.</summary>
    public const string TokenVariable = "SWITCHYARD_GATEWAY_TOKEN";

    /// <summary>The answer of one call: the document, or why there is none.</summary>
    public sealed record Answer(JsonObject? Body, string? Problem);

    /// <summary>Where the gateway is, or null when none is configured.</summary>
    public Uri? Url => string.IsNullOrWhiteSpace(options.GatewayUrl) ? null
        : Uri.TryCreate(options.GatewayUrl.Contains("://", StringComparison.Ordinal) ? options.GatewayUrl : "http://" + options.GatewayUrl, UriKind.Absolute, out var u) ? u : null;

    /// <summary><c>GET /health</c>: status, channels with health and mutes, queues, sessions.</summary>
    public Task<Answer> HealthAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "health", null, ct);

    /// <summary>Mutes a channel.</summary>
    public Task<Answer> MuteAsync(string channel, string? reason, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"channels/{Uri.EscapeDataString(channel)}/mute", new JsonObject { ["reason"] = string.IsNullOrWhiteSpace(reason) ? null : reason }, ct);

    /// <summary>Unmutes a channel.</summary>
    public Task<Answer> UnmuteAsync(string channel, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"channels/{Uri.EscapeDataString(channel)}/unmute", new JsonObject(), ct);

    private async Task<Answer> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        if (Url is not { } url) return new Answer(null, "no gateway is configured: set gateway_url in yard.toml (e.g. http://127.0.0.1:3018)");
        using var request = new HttpRequestMessage(method, new Uri(new Uri(url.ToString().TrimEnd('/') + "/"), path));
        if (body is not null) request.Content = JsonContent.Create(body);
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await clients.CreateClient().SendAsync(request, cts.Token);
            var text = await response.Content.ReadAsStringAsync(cts.Token);
            JsonObject? json = null;
            try { json = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && json is not null) return new Answer(json, null);
            var message = json?["error"]?["message"]?.GetValue<string>() ?? $"the gateway answered {(int)response.StatusCode}";
            return new Answer(null, (int)response.StatusCode == 401 ? $"{message} (set {TokenVariable} for the server)" : message);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new Answer(null, $"no gateway answers at {url} ({ex.Message}); start it with `yard gateway --config gateway.toml`");
        }
    }
}
