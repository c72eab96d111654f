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
        var settings = options.Value;
        var serveUrl = ServeUrl.Resolve(settings, request, body);
        var deployId = request.Query["deployId"].ToString() is { Length: > 0 } d ? d : null;
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
        var expectedKind = request.Headers[Headers.ServerKind].ToString();

        int httpStatus;
        string text;
        try
        {
            (httpStatus, text) = await RegisterAsync(new Uri(settings.ServerUrl, path), json, expectedKind, settings.SigningKey, cancellationToken).ConfigureAwait(false);
            // As the JS SDK: a rejected key is retried once with the fallback key, for servers that already rotated.
            if (httpStatus is 401 or 403 && !string.IsNullOrEmpty(settings.SigningKeyFallback))
                (httpStatus, text) = await RegisterAsync(new Uri(settings.ServerUrl, path), json, expectedKind, settings.SigningKeyFallback, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Could not reach the Switchyard server at {Url} to register", settings.ServerUrl);
            return Answer(500, $"Failed to register: {e.Message}", false);
        }

        JsonObject? reply;
        try
        {
            reply = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            reply = null;
        }
        if (reply is null) return Answer(500, $"Failed to register; the server's reply was not a JSON object; status code: {httpStatus}", false);

        // As in the JS SDK, the reply's "status" field decides, not the HTTP status.
        var status = reply["status"] is JsonValue s && s.TryGetValue(out int n) ? n : 200;
        var error = reply["error"] is JsonValue e2 && e2.TryGetValue(out string? m) ? m : null;
        var modified = reply["modified"] is JsonValue mv && mv.TryGetValue(out bool b) && b;
        if (status >= 300) logger.LogWarning("Switchyard registration failed ({Status}): {Error}", status, error);
        return Answer(status, error ?? "Successfully registered", modified);
    }

    private async Task<(int Status, string Text)> RegisterAsync(Uri url, string json, string expectedKind, string? signingKey, CancellationToken cancellationToken)
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
