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
        await using var feed = await OpenFeedAsync(filter, cancellationToken);
        await foreach (var item in feed.ReadAllAsync(cancellationToken)) yield return item;
    }

    /// <summary>Subscribes to the feed and returns once the server has answered: every item committed after this
    /// returns is in <see cref="FeedConnection.ReadAllAsync"/>. A caller that must miss nothing opens the feed first,
    /// then reads the REST lists for what happened before (items may then repeat what the lists showed).</summary>
    public async Task<FeedConnection> OpenFeedAsync(FeedFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var response = await SendRawAsync(HttpMethod.Get, "v1/feed" + (filter ?? new FeedFilter()).ToQuery(), null, Credential.Api, cancellationToken,
            completion: HttpCompletionOption.ResponseHeadersRead);
        try
        {
            if (!response.IsSuccessStatusCode) throw Error((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return new FeedConnection(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

/// <summary>An open subscription to <c>GET /v1/feed</c> (see <see cref="SwitchyardClient.OpenFeedAsync"/>).</summary>
public sealed class FeedConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;

    internal FeedConnection(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _body = body;
    }

    /// <summary>The items as they arrive, until the server ends the stream or <paramref name="cancellationToken"/> is
    /// cancelled. Read it once.</summary>
    public async IAsyncEnumerable<FeedItem> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parser = SseParser.Create(_body, (_, data) => JsonSerializer.Deserialize<FeedItem>(data, SwitchyardJson.Options));
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
            if (item.Data is { } feedItem) yield return feedItem;
    }

    /// <summary>Closes the connection (the server drops the subscription).</summary>
    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
    }
}
