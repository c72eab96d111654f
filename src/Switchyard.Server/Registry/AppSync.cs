using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol;
using Switchyard.Server.Configuration;

namespace Switchyard.Server.Registry;

/// <summary>Asks an app to sync: <c>PUT</c> to its serve URL, after which the app registers itself through
/// <c>POST /fn/register</c> (out-of-band sync, as every Inngest SDK supports).</summary>
public sealed class AppSync(IHttpClientFactory httpFactory, ServerOptions options, ILogger<AppSync> logger)
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
            using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(new { url }) };
            request.Headers.TryAddWithoutValidation(Headers.ServerKind, options.Dev ? "dev" : "cloud");
            using var response = await httpFactory.CreateClient("apps").SendAsync(request, cancellationToken);
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
