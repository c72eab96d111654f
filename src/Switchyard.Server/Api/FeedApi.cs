using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchyard.Client.Models;
using Switchyard.Engine.Feed;

namespace Switchyard.Server.Api;

/// <summary><c>GET /v1/feed</c>: new events and run changes as Server-Sent Events, from the engine's
/// <see cref="LiveFeed"/>. The dashboard streams the same feed at its own cookie-guarded route.</summary>
internal static class FeedApi
{
    /// <summary>How often an idle stream sends a comment, so proxies and clients see the connection is alive.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Maps <c>/v1/feed</c> behind the API token. Not in the buffered <c>/v1</c> group: a stream is never
    /// complete.</summary>
    public static void MapFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/feed", Stream).RequireApiToken()
            .Produces<FeedItem>(StatusCodes.Status200OK, "text/event-stream")
            .Produces<ApiErrorBody>(StatusCodes.Status400BadRequest).Produces<ApiErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("Live feed of new events and run transitions (Server-Sent Events; each data line is a FeedItem)")
            .WithDescription("Filters: kind=event|run, function=<function id>, event=<event id>, prefix=<event name prefix>. "
                + "A subscriber that falls behind loses its oldest items and receives a 'gap' item saying how many.");
    }

    /// <summary>Streams the feed items that pass the query's filter until the client goes away.</summary>
    public static IResult Stream(string? kind, string? function, string? @event, string? prefix, LiveFeed feed, HttpContext http)
    {
        FeedItemKind? parsedKind = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (kind.Equals("event", StringComparison.OrdinalIgnoreCase)) parsedKind = FeedItemKind.Event;
            else if (kind.Equals("run", StringComparison.OrdinalIgnoreCase)) parsedKind = FeedItemKind.Run;
            else return ApiError.BadRequest("invalid_kind", "kind must be 'event' or 'run'").ToResult();
        }
        var filter = new FeedFilter(parsedKind, NullIfEmpty(function), NullIfEmpty(@event), NullIfEmpty(prefix));
        // Subscribed now, before the response starts, so nothing committed after the headers arrive is missed.
        var subscription = feed.Subscribe(filter);
        http.Response.RegisterForDispose(subscription);
        return new FeedStream(subscription);
    }

    /// <summary>Writes the stream. By hand rather than with <c>TypedResults.ServerSentEvents</c>: the headers must go
    /// out at once (so a client knows it is subscribed before anything happens) and an idle stream needs comment
    /// lines as keep-alives, neither of which that result can do.</summary>
    private sealed class FeedStream(FeedSubscription subscription) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            // The stream also ends when the server stops: otherwise a connected subscriber holds shutdown for the whole
            // shutdown timeout, and a client only learns the server went away after it.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted,
                http.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping);
            var ct = stopping.Token;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // Proxies (nginx) would otherwise hold the stream back in their buffers.
            response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
            var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            await response.WriteAsync(": subscribed\n\n", ct);
            await response.Body.FlushAsync(ct);
            await using var items = subscription.ReadAllAsync(ct).GetAsyncEnumerator(ct);
            var next = items.MoveNextAsync().AsTask();
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        // One timer per wait, dropped when the item arrives (Task.Delay would leave one per item).
                        more = await next.WaitAsync(KeepAlive, ct);
                    }
                    catch (TimeoutException)
                    {
                        await response.WriteAsync(": keep-alive\n\n", ct);
                        await response.Body.FlushAsync(ct);
                        continue;
                    }
                    if (!more) return;
                    var item = items.Current;
                    await response.WriteAsync($"event: {WireName(item.Kind)}\ndata: {JsonSerializer.Serialize(item, json)}\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    next = items.MoveNextAsync().AsTask();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away, or the server stops: the normal end of a stream.
            }
            finally
            {
                // An async iterator refuses DisposeAsync while a MoveNextAsync is pending (NotSupportedException):
                // the pending read ends with the cancelled token, so let it end before the enumerator is disposed.
                if (!next.IsCompleted)
                {
                    await stopping.CancelAsync();
                    try { await next; }
                    catch (OperationCanceledException) { }
                }
            }
        }
    }

    private static string WireName(FeedItemKind kind) => kind switch
    {
        FeedItemKind.Event => "event",
        FeedItemKind.Run => "run",
        _ => "gap",
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
