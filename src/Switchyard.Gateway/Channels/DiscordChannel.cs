using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>Discord through an execute-webhook URL, with <c>?wait=true</c> so Discord answers with the created
/// message and its id. Webhooks cannot carry interactive buttons, so actions are listed in the text.</summary>
public sealed class DiscordChannel(ChannelConfig config, HttpClient http) : IChannel
{
    /// <inheritdoc />
    public string Name => Config.Name;

    /// <inheritdoc />
    public ChannelConfig Config { get; } = config;

    /// <inheritdoc />
    public ChannelHealth Health { get; } = new();

    /// <inheritdoc />
    public async Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var content = message.Actions.Count == 0 ? message.Text : message.Text + "\n" + string.Join("  ", message.Actions.Select(a => $"[{a.Label}]"));
        var url = Config.WebhookUrl!.AbsoluteUri + (Config.WebhookUrl.Query.Length > 0 ? "&" : "?") + "wait=true";
        try
        {
            // Mentions in notification text must not ping anyone.
            using var response = await http.PostAsJsonAsync(url, new { content = content.Length > 2000 ? content[..1999] + "…" : content, allowed_mentions = new { parse = Array.Empty<string>() } }, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new ChannelSendException($"discord webhook answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}",
                    response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500);
            JsonNode? json = null;
            try { json = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException) { }
            return new ChannelReceipt("discord", json?["id"]?.ToString(), json?["channel_id"]?.ToString());
        }
        catch (HttpRequestException ex)
        {
            throw new ChannelSendException($"discord unreachable: {ex.Message}", true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChannelSendException("discord timed out", true, ex);
        }
    }
}
