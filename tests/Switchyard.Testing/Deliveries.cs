using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Testing;

/// <summary>Webhook deliveries signed the way each provider documents it (independently of the server's code, so a
/// shared mistake cannot hide), and posted to the server's <c>/webhooks/PROVIDER</c>.</summary>
public static class Deliveries
{
    /// <summary>Now, in Unix seconds (the providers' timestamp unit).</summary>
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

    /// <summary>The UTF-8 JSON body of <paramref name="payload"/>.</summary>
    public static byte[] Json(object payload) => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(payload));

    /// <summary>POSTs <paramref name="body"/> to <c>/webhooks/PROVIDER</c> with <paramref name="headers"/>; returns the
    /// status, the body as JSON (null when it is not), the body text and the response.</summary>
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

    /// <summary>The <c>error.code</c> of an error body, or "".</summary>
    public static string ErrorCode(JsonObject? json) => json?["error"]?["code"]?.GetValue<string>() ?? "";
    /// <summary>The <c>error.message</c> of an error body, or "".</summary>
    public static string ErrorMessage(JsonObject? json) => json?["error"]?["message"]?.GetValue<string>() ?? "";
}
