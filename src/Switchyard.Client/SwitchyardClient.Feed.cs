using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchyard.Client.Models;

namespace Switchyard.Client;

/// <summary>The live feed, <c>GET /v1/feed</c>.</summary>
public sealed partial class SwitchyardClient
{
    /// <summary>Streams new events and run transitions that pass <paramref name="filter"/> until
    /// <paramref name="cancellationToken"/> is cancelled or the server ends the stream. Items committed after the
    /// first item is requested are all seen, unless the reader falls far behind: then a
    /// <see cref="FeedItemKind.Gap"/> item says how many were dropped.</summary>
    public async IAsyncEnumerable<FeedItem> FeedAsync(FeedFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, "v1/feed" + (filter ?? new FeedFilter()).ToQuery(), null, Credential.Api, cancellationToken,
            completion: HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw Error((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var parser = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<FeedItem>(data, SwitchyardJson.Options));
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
            if (item.Data is { } feedItem) yield return feedItem;
    }
}
