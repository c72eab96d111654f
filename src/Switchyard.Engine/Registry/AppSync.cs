using Switchyard.Engine.Execution;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Protocol.Signing;
using Switchyard.Configuration;

namespace Switchyard.Engine.Registry;

/// <summary>Asks an app to sync: <c>PUT</c> to its serve URL (signed when a signing key is configured), after which
/// the app registers itself through <c>POST /fn/register</c> (out-of-band sync, as every Inngest SDK supports).</summary>
/// <remarks>The URL comes from an API caller, so the request is a server-side request to an address of their choice.
/// It therefore follows no redirect, waits at most <see cref="Timeout"/>, reads at most <see cref="MaxAnswerBytes"/>
/// of the answer, and reports a summary (status and the SDK's short <c>message</c>), never the body nor why a
/// connection failed (issue 21, finding 4).</remarks>
public sealed class AppSync(IHttpClientFactory httpFactory, ServerOptions options, AppUrlPolicy urlPolicy, TimeProvider time, ILogger<AppSync> logger)
{
    /// <summary>Longest wait for an app's sync answer; an SDK answers within milliseconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes of a sync answer read; an SDK's answer is a small JSON object.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>Longest app <c>message</c> passed on.</summary>
    private const int MaxMessageChars = 200;

    /// <summary>Result of a sync attempt.</summary>
    public sealed record Result(bool Ok, int Status, string Message, bool Modified);

    /// <summary>PUTs <paramref name="url"/> and reports what the app answered.</summary>
    public async Task<Result> SyncAsync(string url, CancellationToken cancellationToken)
    {
        if (urlPolicy.Problem(url) is { } refused) return new Result(false, 400, refused, false);
        var uri = new Uri(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            var syncBody = CanonicalJson.Canonicalize(JsonSerializer.SerializeToUtf8Bytes(new { url }));
            using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(syncBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(Headers.ServerKind, options.Dev ? "dev" : "cloud");
            // SDKs accept an unsigned out-of-band sync, but a signed one also passes apps that refuse unauthenticated
            // syncs (INNGEST_ENABLE_UNAUTHED_SYNC=false) and in-band syncs.
            if (!string.IsNullOrEmpty(options.SigningKey))
                request.Headers.TryAddWithoutValidation(Headers.Signature, RequestSignature.Create(syncBody, options.SigningKey, time.GetUtcNow()));
            using var response = await httpFactory.CreateClient(AppClient.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                logger.LogWarning("sync of {Url}: the app answered {Status} to {Location}; redirects are not followed", url, status, response.Headers.Location);
                return new Result(false, 502, $"app at {url} answered {status} (a redirect); redirects are not followed: sync the final URL", false);
            }
            var (text, complete) = await ReadCappedAsync(response.Content, deadline.Token);
            if (!complete)
                return new Result(false, 502, $"app at {url} answered {status} with more than {MaxAnswerBytes} bytes; a sync answer is a small JSON object", false);
            var (message, modified) = Summary(text);
            var summary = message is null ? $"app answered {status}" : $"app answered {status}: {message}";
            if (!response.IsSuccessStatusCode) logger.LogWarning("sync of {Url} failed: {Summary}", url, summary);
            return new Result(response.IsSuccessStatusCode, status, message ?? summary, modified);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Refused, reset, timed out or not HTTP all read the same to the caller, so the answer cannot map ports;
            // the operator's log has the cause.
            logger.LogWarning("sync of {Url} failed: {Error}", url, ex.Message);
            return new Result(false, 502, $"app at {url} is not reachable", false);
        }
    }

    /// <summary>The answer as text when it fits in <see cref="MaxAnswerBytes"/>; otherwise stops reading.</summary>
    private static async Task<(string Text, bool Complete)> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes) return ("", false);
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxAnswerBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return read > MaxAnswerBytes ? ("", false) : (Encoding.UTF8.GetString(buffer, 0, read), true);
    }

    /// <summary>The SDK's <c>message</c> (a string, shortened, control characters dropped) and <c>modified</c> flag;
    /// nothing else of the answer is passed on.</summary>
    private static (string? Message, bool Modified) Summary(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject body) return (null, false);
            var modified = body["modified"] is JsonValue m && m.TryGetValue(out bool b) && b;
            if (body["message"] is not JsonValue v || !v.TryGetValue(out string? message) || message is null) return (null, modified);
            message = new string(message.Where(c => !char.IsControl(c)).Take(MaxMessageChars).ToArray());
            return (message, modified);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, false);
        }
    }
}
