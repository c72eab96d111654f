using Switchyard.Engine.Execution;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Protocol.Signing;
using Switchyard.Configuration;

namespace Switchyard.Engine.Registry;

/// <summary>Asks an app to sync: <c>PUT</c> to its serve URL (signed when a signing key is configured), after which
/// the app registers itself through <c>POST /fn/register</c> (out-of-band sync, as every Inngest SDK supports).</summary>
public sealed class AppSync(IHttpClientFactory httpFactory, ServerOptions options, TimeProvider time, ILogger<AppSync> logger)
{
    /// <summary>Result of a sync attempt.</summary>
    public sealed record Result(bool Ok, int Status, string Message, bool Modified);

    /// <summary>PUTs <paramref name="url"/> and reports what the app answered.</summary>
    public async Task<Result> SyncAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return new Result(false, 400, $"'{url}' is not an http(s) URL", false);
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
            using var response = await httpFactory.CreateClient(AppClient.HttpClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            string message = text;
            var modified = false;
            try
            {
                if (JsonNode.Parse(text) is JsonObject body)
                {
                    message = body["message"]?.GetValue<string>() ?? text;
                    modified = body["modified"] is JsonValue m && m.TryGetValue(out bool b) && b;
                }
            }
            catch (JsonException)
            {
                // Not JSON: keep the raw text as the message.
            }
            catch (InvalidOperationException)
            {
                // A message of another type: keep the raw text.
            }
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("sync of {Url} failed: {Status} {Message}", url, (int)response.StatusCode, message);
            return new Result(response.IsSuccessStatusCode, (int)response.StatusCode, message, modified);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("sync of {Url} failed: {Error}", url, ex.Message);
            return new Result(false, 502, $"app at {url} is not reachable: {ex.Message}", false);
        }
    }
}
