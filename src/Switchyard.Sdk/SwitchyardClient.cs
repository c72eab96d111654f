using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchyard.Protocol;
using Switchyard.Protocol.Events;
using Switchyard.Sdk.Hosting;
using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk;

/// <summary>Sends events to the Switchyard server. Registered as a singleton by <c>AddSwitchyard</c>. Inside a
/// function use <see cref="StepTools.SendEvent(string, Event)"/> instead, so that the events are sent once per run.</summary>
public sealed class SwitchyardClient
{
    internal const string HttpClientName = "Switchyard";
    private const string NoEventKey = "NO_EVENT_KEY_SET";

    private readonly IHttpClientFactory _http;
    private readonly IOptions<SwitchyardOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the client on the system clock.</summary>
    /// <param name="http">Source of the HTTP client.</param>
    /// <param name="options">The app's Switchyard settings.</param>
    public SwitchyardClient(IHttpClientFactory http, IOptions<SwitchyardOptions> options)
        : this(http, options, TimeProvider.System)
    {
    }

    /// <summary>Creates the client; resolved from dependency injection, where <c>AddSwitchyard</c> registers
    /// <see cref="TimeProvider.System"/> unless the app (or <c>Switchyard.Sdk.Testing</c>) registered another clock.</summary>
    /// <param name="http">Source of the HTTP client.</param>
    /// <param name="options">The app's Switchyard settings.</param>
    /// <param name="time">The clock that stamps an event sent without a timestamp.</param>
    public SwitchyardClient(IHttpClientFactory http, IOptions<SwitchyardOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _options = options;
        _time = time;
    }

    /// <summary>Sends one event and returns the id the server stored it under.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="HttpRequestException">The server did not accept the event.</exception>
    public async Task<string> SendAsync(Event @event, CancellationToken cancellationToken = default)
    {
        var ids = await SendAsync([@event], cancellationToken).ConfigureAwait(false);
        return ids.Count > 0 ? ids[0] : "";
    }

    /// <summary>Sends events in one request and returns their ids in order.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="HttpRequestException">The server did not accept the events.</exception>
    public async Task<IReadOnlyList<string>> SendAsync(IEnumerable<Event> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = _time.GetUtcNow();
        var serializer = _options.Value.Serializer;
        var payloads = events.Select(e => ToPayload(e, now, serializer)).ToArray();
        if (payloads.Length == 0) return [];

        var options = _options.Value;
        var key = string.IsNullOrEmpty(options.EventKey) ? NoEventKey : options.EventKey;
        // Relative to the server URL so that a base path ending in '/' is kept, as the other SDKs do.
        var baseUrl = options.ServerUrl.AbsoluteUri.EndsWith('/') ? options.ServerUrl : new Uri(options.ServerUrl.AbsoluteUri + "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "e/" + Uri.EscapeDataString(key)))
        {
            Content = new StringContent(JsonSerializer.Serialize(payloads, ProtocolJson.Options), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(Headers.Sdk, SdkInfo.Header);
        request.Headers.Add(Headers.Framework, SdkInfo.Framework);

        using var response = await _http.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? body = null;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Reported below with the raw text.
        }
        // The server confirms with {"ids":[…],"status":200}; anything else is a failure whatever the HTTP status.
        if (body?["status"] is JsonValue status && status.TryGetValue(out int code) && code == 200 && body["ids"] is JsonArray ids)
            return ids.Select(i => i?.GetValue<string>() ?? "").ToArray();
        throw new HttpRequestException($"Sending events failed: HTTP {(int)response.StatusCode}: {Truncate(text)}", null,
            response.IsSuccessStatusCode ? HttpStatusCode.BadGateway : response.StatusCode);
    }

    private static EventPayload ToPayload(Event e, DateTimeOffset now, ISwitchyardSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentException.ThrowIfNullOrWhiteSpace(e.Name);
        var data = e.Data is null ? new JsonObject() : serializer.Serialize(e.Data, e.Data.GetType()) as JsonObject
            ?? throw new ArgumentException($"The data of event \"{e.Name}\" must serialize to a JSON object.", nameof(e));
        return new EventPayload(e.Name, data, e.Id, (e.Timestamp ?? now).ToUnixTimeMilliseconds());
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
