using System.Buffers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Configuration;
using Switchyard.Engine.Events;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary><c>POST /e/{eventKey}</c>: the Inngest-compatible Event API. Answers <c>{"ids":[…],"status":200}</c>
/// only after the events are durably committed.</summary>
public static class EventApi
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapEventApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/e/{eventKey}", HandleAsync).Accepts<JsonNode>("application/json")
            .Produces<SendEventsResult>().Produces<ApiErrorBody>(StatusCodes.Status400BadRequest).Produces<ApiErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ApiErrorBody>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> HandleAsync(string eventKey, HttpContext http, EventIngest ingest, ServerOptions options, CancellationToken ct)
    {
        if (!options.Dev && !Credential.MatchesAny(eventKey, options.EventKeyList))
            return new ApiError(401, "unauthorized", "event key not recognized: use a key from SWITCHYARD_EVENT_KEYS").ToResult();
        var (body, tooLarge) = await ReadBodyAsync(http.Request, options.MaxBodyBytes, ct);
        if (tooLarge)
            return new ApiError(413, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (max_body_bytes)").ToResult();
        var (events, error) = EventParser.Parse(body, options.MaxEventsPerRequest);
        if (error is not null) return error.ToResult();
        var ids = await ingest.IngestAsync(events!, "api", ct, Switchyard.Engine.Diagnostics.TraceContexts.Parse(http.Request.Headers["traceparent"].FirstOrDefault()));
        return Results.Json(new SendEventsResult(ids, 200));
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; reports a larger body without reading all of it.</summary>
    internal static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return ([], true);
        try
        {
            return await ReadUpToAsync(request.BodyReader, limit, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body that outgrows the route's Kestrel cap (RequestGate sets one per route, sometimes below
            // `limit`) surfaces here as an exception; it is the same answer, not an application error to log.
            return ([], true);
        }
    }

    private static async Task<(byte[] Body, bool TooLarge)> ReadUpToAsync(System.IO.Pipelines.PipeReader reader, long limit, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return ([], true);
            }
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return (bytes, false);
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
