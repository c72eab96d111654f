using Microsoft.AspNetCore.Http;

namespace Switchyard.Server.Webhooks;

/// <summary>One delivery as received: the raw body (signatures are over these exact bytes) and the headers.</summary>
/// <param name="Provider">The provider name from the path.</param>
/// <param name="Body">The raw body.</param>
/// <param name="Headers">Request headers (case-insensitive).</param>
/// <param name="ReceivedAt">When the server received it; signed timestamps are checked against this.</param>
public sealed record WebhookRequest(string Provider, ReadOnlyMemory<byte> Body, IHeaderDictionary Headers, DateTimeOffset ReceivedAt)
{
    /// <summary>A header's value (several values joined by commas), or null when absent or empty.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 && values.ToString() is { Length: > 0 } text ? text : null;
}
