using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Configuration;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;
using Switchyard.Engine.Model;

namespace Switchyard.Server.Api;

/// <summary>The telemetry pipeline over HTTP: <c>POST /observability/emit</c> (ingest, with an optional token) and
/// <c>GET /v1/otel/search|list|stats</c> (queries, behind the REST API token).</summary>
public static class TelemetryApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/observability/emit", EmitAsync);
        var otel = app.MapGroup("/v1/otel").AddEndpointFilter(RestApi.RequireToken);
        otel.MapGet("/search", SearchAsync);
        otel.MapGet("/list", ListAsync);
        otel.MapGet("/stats", StatsAsync);
    }

    private static async Task<IResult> EmitAsync(HttpContext http, TelemetryIngest ingest, ServerOptions options, CancellationToken ct)
    {
        if (!options.Dev && !string.IsNullOrEmpty(options.TelemetryToken))
        {
            var presented = Credential.Bearer(http.Request.Headers.Authorization.ToString());
            if (!Credential.MatchesAny(presented, [options.TelemetryToken, options.ApiToken]))
                return new ApiError(401, "unauthorized", "missing or wrong telemetry token: send Authorization: Bearer $SWITCHYARD_TELEMETRY_TOKEN").ToResult();
        }
        var (body, tooLarge) = await EventApi.ReadBodyAsync(http.Request, options.MaxBodyBytes, ct);
        if (tooLarge) return new ApiError(413, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (max_body_bytes)").ToResult();
        var (events, error) = TelemetryParser.Parse(body, options.MaxEventsPerRequest, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (error is not null) return error.ToResult();
        var result = await ingest.IngestAsync(events!, ct);
        return Results.Json(new { ids = result.Ids, stored = result.Stored, duplicates = result.Duplicates, sampled = result.Sampled, status = 200 });
    }

    private static async Task<IResult> SearchAsync(string? q, string? level, string? source, string? component, double? hours, int? count, IStore store, TelemetrySink sink, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var terms = TelemetryQuery.Words(q);
        if (terms.Count == 0) return ApiError.BadRequest("invalid_q", "q must contain at least one word to search for").ToResult();
        var (query, error) = Query(terms, level, source, component, hours, count);
        if (error is not null) return error.ToResult();
        var found = await store.Reader.SearchTelemetryAsync(query!, ct);
        return Results.Json(new JsonObject { ["q"] = q, ["terms"] = new JsonArray(terms.Select(t => (JsonNode?)t).ToArray()), ["events"] = Events(found), ["count"] = found.Count });
    }

    private static async Task<IResult> ListAsync(string? level, string? source, string? component, double? hours, int? count, string? runId, string? eventId, IStore store, TelemetrySink sink, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var (query, error) = Query([], level, source, component, hours, count);
        if (error is not null) return error.ToResult();
        IReadOnlyList<TelemetryRecord> found;
        if (!string.IsNullOrEmpty(runId) || !string.IsNullOrEmpty(eventId))
        {
            // Correlated telemetry reads oldest first, like a timeline; the other filters do not apply.
            found = await store.Reader.TelemetryForAsync(string.IsNullOrEmpty(eventId) ? [] : [eventId], string.IsNullOrEmpty(runId) ? [] : [runId], query!.Count, ct);
        }
        else found = await store.Reader.SearchTelemetryAsync(query!, ct);
        return Results.Json(new JsonObject { ["events"] = Events(found), ["count"] = found.Count });
    }

    private static async Task<IResult> StatsAsync(double? hours, IStore store, TelemetrySampler sampler, TelemetrySink sink, ServerOptions options, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var window = hours ?? 24;
        if (window <= 0) return ApiError.BadRequest("invalid_hours", "hours must be positive").ToResult();
        var since = DateTimeOffset.UtcNow.AddHours(-Math.Min(window, 24 * 365 * 10)).ToUnixTimeMilliseconds();
        var stats = TelemetryStats.From(await store.Reader.CountTelemetryAsync(since, ct));
        static JsonArray Facets(IReadOnlyList<TelemetryFacet> facets) => new(facets.Select(f => (JsonNode?)new JsonObject
        {
            ["value"] = f.Value, ["count"] = f.Count, ["failures"] = f.Failures, ["errorRate"] = f.ErrorRate,
        }).ToArray());
        return Results.Json(new JsonObject
        {
            ["hours"] = window,
            ["since"] = since,
            ["total"] = stats.Total,
            ["failures"] = stats.Failures,
            ["errorRate"] = stats.ErrorRate,
            ["byLevel"] = new JsonObject(stats.ByLevel.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["facets"] = new JsonObject
            {
                ["source"] = Facets(stats.Sources),
                ["component"] = Facets(stats.Components),
                ["action"] = Facets(stats.Actions),
            },
            ["sampling"] = new JsonObject
            {
                ["floodThreshold"] = options.TelemetryFloodThreshold,
                ["sampleOneIn"] = options.TelemetryFloodSampleOneIn,
                ["sampledOutSinceStart"] = sampler.SampledOut,
            },
            ["retentionDays"] = Math.Round(options.TelemetryRetention.TotalDays, 2),
        });
    }

    private static (TelemetryQuery?, ApiError?) Query(IReadOnlyList<string> terms, string? level, string? source, string? component, double? hours, int? count)
    {
        var levels = new List<string>();
        foreach (var l in (level ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TelemetryLevel.Normalize(l) is not { } normalized)
                return (null, ApiError.BadRequest("invalid_level", $"level must be one of {string.Join(", ", TelemetryLevel.All)} (comma-separated for several)"));
            levels.Add(normalized);
        }
        if (count is < 1 or > RestApi.MaxCount) return (null, ApiError.BadRequest("invalid_count", $"count must be between 1 and {RestApi.MaxCount}"));
        if (hours is <= 0) return (null, ApiError.BadRequest("invalid_hours", "hours must be positive"));
        long? since = hours is { } h ? DateTimeOffset.UtcNow.AddHours(-Math.Min(h, 24 * 365 * 10)).ToUnixTimeMilliseconds() : null;
        return (new TelemetryQuery(terms, levels, string.IsNullOrWhiteSpace(source) ? null : source.Trim(),
            string.IsNullOrWhiteSpace(component) ? null : component.Trim(), since, count ?? 50), null);
    }

    private static JsonArray Events(IReadOnlyList<TelemetryRecord> records) => new(records.Select(r => (JsonNode?)r.ToJson()).ToArray());
}
