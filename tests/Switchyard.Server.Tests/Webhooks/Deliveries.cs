using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Webhooks;

/// <summary>Signs deliveries the way each provider documents it (independently of the server's code) and posts them.</summary>
internal static class Deliveries
{
    public static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>GitHub: <c>sha256=</c> + hex HMAC-SHA256(secret, body).</summary>
    public static string Github(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Stripe: hex HMAC-SHA256(secret, "{t}.{body}") — the v1 value.</summary>
    public static string StripeV1(string secret, long t, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.").Concat(body).ToArray()));

    /// <summary>Slack: <c>v0=</c> + hex HMAC-SHA256(signing secret, "v0:{ts}:{body}").</summary>
    public static string Slack(string secret, long ts, byte[] body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{ts}:").Concat(body).ToArray()));

    public static byte[] Json(object payload) => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(payload));

    public static async Task<(HttpStatusCode Status, JsonObject? Json, string Text, HttpResponseMessage Response)> PostAsync(
        HttpClient http, string provider, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{provider}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try { json = JsonNode.Parse(text) as JsonObject; }
        catch (System.Text.Json.JsonException) { }
        return (response.StatusCode, json, text, response);
    }

    public static string ErrorCode(JsonObject? json) => json?["error"]?["code"]?.GetValue<string>() ?? "";
    public static string ErrorMessage(JsonObject? json) => json?["error"]?["message"]?.GetValue<string>() ?? "";
}
