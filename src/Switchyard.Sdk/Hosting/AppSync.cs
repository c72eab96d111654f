using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Protocol.Signing;

namespace Switchyard.Sdk.Hosting;

/// <summary>Out-of-band sync: on a <c>PUT</c> the app posts its functions to the server's <c>/fn/register</c> and
/// answers the <c>PUT</c> with the outcome.</summary>
internal sealed class AppSync(IHttpClientFactory http, IOptions<SwitchyardOptions> options, FunctionRegistry registry, ILogger<AppSync> logger)
{
    private const string OutOfBand = "out_of_band";

    public async Task<SdkResponse> SyncAsync(HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        var serveUrl = ServeUrl.Resolve(options.Value, request, body);
        var deployId = request.Query["deployId"].ToString() is { Length: > 0 } d ? d : null;
        SyncAnswer answer;
        try
        {
            answer = await RegisterAsync(serveUrl, deployId, request.Headers[Headers.ServerKind].ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Could not reach the Switchyard server at {Url} to register", options.Value.ServerUrl);
            return Answer(500, $"Failed to register: {e.Message}", false);
        }
        return Answer(answer.Status, answer.Message, answer.Modified);
    }

    /// <summary>Posts the app's functions to the server's <c>/fn/register</c>, as served at <paramref name="serveUrl"/>.</summary>
    /// <exception cref="HttpRequestException">The server could not be reached.</exception>
    public async Task<SyncAnswer> RegisterAsync(string serveUrl, string? deployId, string expectedKind, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var registration = new RegisterRequest
        {
            Url = serveUrl,
            // A role instance registers as its own app, so two roles never replace each other's function set.
            AppName = settings.RegisteredAppId,
            DeployType = "ping",
            Framework = SdkInfo.Framework,
            Sdk = SdkInfo.RegisterName,
            V = "0.1",
            DeployId = deployId,
            Functions = registry.All.Select(f => f.ToConfig(settings.AppId, serveUrl)).ToArray(),
            Role = string.IsNullOrEmpty(settings.Role) ? null : settings.Role,
            Capabilities = new JsonObject { ["trust_probe"] = "v1" },
        };

        var path = "/fn/register" + (deployId is null ? "" : "?deployId=" + Uri.EscapeDataString(deployId));
        var json = JsonSerializer.Serialize(registration, ProtocolJson.Options);

        var (httpStatus, text) = await PostAsync(new Uri(settings.ServerUrl, path), json, expectedKind, settings.SigningKey, cancellationToken).ConfigureAwait(false);
        // As the JS SDK: a rejected key is retried once with the fallback key, for servers that already rotated.
        if (httpStatus is 401 or 403 && !string.IsNullOrEmpty(settings.SigningKeyFallback))
            (httpStatus, text) = await PostAsync(new Uri(settings.ServerUrl, path), json, expectedKind, settings.SigningKeyFallback, cancellationToken).ConfigureAwait(false);

        JsonObject? reply;
        try
        {
            reply = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            reply = null;
        }
        if (reply is null) return new SyncAnswer(500, $"Failed to register; the server's reply was not a JSON object; status code: {httpStatus}", false, httpStatus);

        // As in the JS SDK, the reply's "status" field decides, not the HTTP status.
        var status = reply["status"] is JsonValue s && s.TryGetValue(out int n) ? n : 200;
        var error = reply["error"] is JsonValue e2 && e2.TryGetValue(out string? m) ? m : null;
        var modified = reply["modified"] is JsonValue mv && mv.TryGetValue(out bool b) && b;
        if (status >= 300) logger.LogWarning("Switchyard registration failed ({Status}): {Error}", status, error);
        return new SyncAnswer(status, error ?? "Successfully registered", modified, httpStatus);
    }

    private async Task<(int Status, string Text)> PostAsync(Uri url, string json, string expectedKind, string? signingKey, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        message.Headers.Add(Headers.Sdk, SdkInfo.Header);
        message.Headers.Add(Headers.Framework, SdkInfo.Framework);
        message.Headers.Add(Headers.SyncKind, OutOfBand);
        if (expectedKind.Length > 0) message.Headers.Add(Headers.ExpectedServerKind, expectedKind);
        // The hash, not the key: the server accepts either, and the key itself never leaves the app.
        if (!string.IsNullOrEmpty(signingKey)) message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + SigningKey.Hash(signingKey));
        using var response = await http.CreateClient(SwitchyardClient.HttpClientName).SendAsync(message, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    private static SdkResponse Answer(int status, string message, bool modified)
    {
        var response = new SdkResponse(status, new JsonObject { ["message"] = message, ["modified"] = modified });
        response.Headers[Headers.SyncKind] = OutOfBand;
        return response;
    }
}
