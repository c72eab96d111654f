using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Engine.Parsing;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Signing;
using Switchyard.Configuration;

namespace Switchyard.Engine.Execution;

/// <summary>Makes one call to an app over the SDK protocol and classifies the answer. Never throws for app-side
/// problems: transport errors and non-SDK answers become retriable <see cref="CallOutcome.Failed"/>. With a signing
/// key configured every call is signed (<c>X-Inngest-Signature</c>, HMAC over the canonical body).</summary>
public sealed class AppClient(IHttpClientFactory httpFactory, ServerOptions options, TimeProvider time)
{
    /// <summary>Name of the pooled HTTP client used to reach apps (calls, syncs, health probes).</summary>
    public const string HttpClientName = "apps";

    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/> with <c>stepId</c> set.</summary>
    public async Task<CallOutcome> CallAsync(string url, string stepId, string runId, CallRequest body, bool devMode, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ProtocolJson.Options);
            string? signature = null;
            if (!string.IsNullOrEmpty(options.SigningKey))
            {
                // SDKs verify the HMAC over the canonical form of what they parse; sending exactly the signed bytes
                // keeps both sides' view of the body identical.
                bytes = CanonicalJson.Canonicalize(bytes);
                signature = RequestSignature.Create(bytes, options.SigningKey, time.GetUtcNow());
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, WithStepId(url, stepId)) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (signature is not null) request.Headers.TryAddWithoutValidation(Headers.Signature, signature);
            request.Headers.TryAddWithoutValidation(Headers.RunId, runId);
            request.Headers.TryAddWithoutValidation(Headers.StepId, stepId);
            request.Headers.TryAddWithoutValidation(Headers.ServerKind, devMode ? "dev" : "cloud");
            using var response = await httpFactory.CreateClient(AppClient.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var text = await ReadBoundedAsync(response.Content, cancellationToken);
            if (text is null)
                return new CallOutcome.Failed((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    Error("ProtocolError", $"the app's answer is larger than {MaxAnswerBytes / (1024 * 1024)} MiB; steps should return references to large data, not the data"), true, null);
            var status = (int)response.StatusCode;
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            return Classify(status, headers, text, Stopwatch.GetElapsedTime(started).TotalMilliseconds, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var message = ex is TaskCanceledException ? "call timed out" : $"app not reachable: {ex.Message}";
            return new CallOutcome.Failed(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Error("TransportError", message), false, null);
        }
    }

    /// <summary>Largest answer read from an app (16 MiB): a bigger one fails the call for good instead of filling the
    /// server's memory, and it would not fit the store's step rows anyway.</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>The body as text, or null when it is larger than <see cref="MaxAnswerBytes"/> (read no further).</summary>
    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxAnswerBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxAnswerBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Classifies an SDK answer (pure; unit-tested).</summary>
    internal static CallOutcome Classify(int status, IReadOnlyDictionary<string, string> headers, string text, double durationMs, DateTimeOffset now)
    {
        if (status == 201)
        {
            // Streaming: the real status, headers and body are wrapped in a JSON envelope after heartbeat spaces.
            try
            {
                var wrapper = JsonNode.Parse(text.TrimStart())!.AsObject();
                var inner = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
                if (wrapper["headers"] is JsonObject h)
                    foreach (var (k, v) in h) inner[k] = v?.ToString() ?? "";
                return Classify(wrapper["status"]!.GetValue<int>(), inner, wrapper["body"]?.GetValue<string>() ?? "null", durationMs, now);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or ArgumentException)
            {
                return new CallOutcome.Failed(status, durationMs, Error("ProtocolError", $"unreadable streamed response: {ex.Message}"), false, null);
            }
        }
        var noRetry = headers.TryGetValue(Headers.NoRetry, out var nr) && nr.Equals("true", StringComparison.OrdinalIgnoreCase);
        var retryAfter = ParseRetryAfter(headers.GetValueOrDefault(Headers.RetryAfter), now);
        var isSdk = headers.ContainsKey(Headers.Sdk);
        if (status is 200 or 206 && !isSdk)
            return new CallOutcome.Failed(status, durationMs, Error("ProtocolError", $"answer {status} did not come from an SDK (no {Headers.Sdk} header); is the URL right?"), false, retryAfter);
        JsonNode? body;
        // Answers are stored as step outputs and run results, so they obey the same JSON limits as every other write.
        var problem = string.IsNullOrWhiteSpace(text) ? null : JsonLimits.Problem(text);
        if (problem is null) body = string.IsNullOrWhiteSpace(text) ? null : JsonLimits.ParseChecked(System.Text.Encoding.UTF8.GetBytes(text));
        else if (status is 200 or 206)
            return new CallOutcome.Failed(status, durationMs, Error("ProtocolError", $"SDK answered with JSON the server refuses: {problem}"), false, retryAfter);
        else body = JsonValue.Create(text.Length > 2000 ? text[..2000] : text);
        switch (status)
        {
            case 200:
                return new CallOutcome.Completed(status, durationMs, body);
            case 206:
            {
                int? version = int.TryParse(headers.GetValueOrDefault(Headers.RequestVersion), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
                List<Op> ops;
                try
                {
                    ops = body switch
                    {
                        JsonArray a => a.Deserialize<List<Op>>(ProtocolJson.Options) ?? [],
                        JsonObject o => [o.Deserialize<Op>(ProtocolJson.Options)!],
                        _ => [],
                    };
                }
                catch (JsonException ex)
                {
                    return new CallOutcome.Failed(status, durationMs, Error("ProtocolError", $"unreadable ops: {ex.Message}"), false, retryAfter);
                }
                return new CallOutcome.Ops(status, durationMs, ops, noRetry, retryAfter, version);
            }
            case 401:
                // The SDKs answer 401 to a missing, stale or wrong signature, and to a request without a body.
                return new CallOutcome.Failed(status, durationMs, Error("Unauthorized",
                    "the app answered 401: it rejected the request signature; the app's signing key must match the server's signing_key (or it is in cloud mode while the server has none)"),
                    false, retryAfter);
            default:
                var error = body is JsonObject ? body : Error("Error", $"app answered {status}: {body?.ToJsonString() ?? "(empty)"}");
                return new CallOutcome.Failed(status, durationMs, error, noRetry, retryAfter);
        }
    }

    /// <summary>Seven characters or fewer is integer seconds; longer is a date (the Inngest rule), how long after
    /// <paramref name="now"/> (the server's clock when the answer came).</summary>
    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (value.Length <= 7 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at - now : null;
    }

    internal static JsonObject Error(string name, string message) => new() { ["name"] = name, ["message"] = message };

    private static string WithStepId(string url, string stepId)
    {
        var uri = new Uri(url);
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("stepId=", StringComparison.Ordinal))
            .Append("stepId=" + Uri.EscapeDataString(stepId));
        return new UriBuilder(uri) { Query = string.Join("&", query) }.Uri.ToString();
    }
}
