using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>Posts to <c>/observability/emit</c> and reads the answer, whatever its status.</summary>
internal static class TelemetryClient
{
    public static async Task<(HttpStatusCode Status, JsonObject Body)> EmitAsync(HttpClient http, object body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/observability/emit") { Content = JsonContent.Create(body) };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> EmitRawAsync(HttpClient http, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/observability/emit", content);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(HttpClient http, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static IEnumerable<JsonNode> Events(JsonObject body) => body["events"]!.AsArray().Select(e => e!);
}
