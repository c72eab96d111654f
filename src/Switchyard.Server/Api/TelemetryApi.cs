using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Configuration;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Telemetry;
using Switchyard.Engine.Model;
using Switchyard.Client;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary>The telemetry pipeline over HTTP: <c>POST /observability/emit</c> (ingest, with the telemetry or API token outside dev mode unless <c>telemetry_open</c>) and
/// <c>GET /v1/otel/search|list|stats</c> (queries, behind the REST API token).</summary>
public static class TelemetryApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/observability/emit", EmitAsync).Accepts<IReadOnlyList<TelemetryEmit>>("application/json").Answers<Client.Models.TelemetryEmitResult>(400, 413);
        var otel = app.MapGroup("/v1/otel").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        otel.MapGet("/search", SearchAsync).Answers<TelemetrySearchResult>(400);
        otel.MapGet("/list", ListAsync).Answers<TelemetryListResult>(400);
        otel.MapGet("/stats", StatsAsync).Answers<TelemetryStatsResult>(400);
    }

    private static async Task<IResult> EmitAsync(HttpContext http, TelemetryIngest ingest, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        // Closed by default outside dev mode: open ingest let anyone plant entries in traces (issue 21, finding 1).
        if (!options.Dev && !options.TelemetryOpen)
        {
            var presented = Credential.Bearer(http.Request.Headers.Authorization.ToString());
            if (!Credential.MatchesAny(presented, [options.TelemetryToken, options.ApiToken]))
                return new ApiError(401, "unauthorized", "missing or wrong telemetry token: send Authorization: Bearer $SWITCHYARD_TELEMETRY_TOKEN (or the API token)").ToResult();
        }
        var (body, tooLarge) = await EventApi.ReadBodyAsync(http.Request, options.MaxBodyBytes, ct);
        if (tooLarge) return new ApiError(413, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (max_body_bytes)").ToResult();
        var (events, error) = TelemetryParser.Parse(body, options.MaxEventsPerRequest, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (error is not null) return error.ToResult();
        var result = await ingest.IngestAsync(events!, ct);
        return Results.Json(new Client.Models.TelemetryEmitResult(result.Ids, result.Stored, result.Duplicates, result.Sampled, 200));
    }

    private static async Task<IResult> SearchAsync(string? q, string? level, string? source, string? component, double? hours, int? count, IStore store, TelemetrySink sink, TimeProvider time, CancellationToken ct)
    {
        var (result, error) = await SearchResultAsync(q, level, source, component, hours, count, store, sink, time, ct);
        return error is not null ? error.ToResult() : Results.Json(result);
    }

    /// <summary>The answer of <c>GET /v1/otel/search</c> (also the dashboard's telemetry search), or the 400 naming the bad parameter.</summary>
    internal static async Task<(TelemetrySearchResult? Result, ApiError? Error)> SearchResultAsync(string? q, string? level, string? source, string? component,
        double? hours, int? count, IStore store, TelemetrySink sink, TimeProvider time, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var terms = TelemetryQuery.Words(q);
        if (terms.Count == 0) return (null, ApiError.BadRequest("invalid_q", "q must contain at least one word to search for"));
        var (query, error) = Query(terms, level, source, component, hours, count, time);
        if (error is not null) return (null, error);
        var found = await store.Reader.SearchTelemetryAsync(query!, ct);
        return (new TelemetrySearchResult(q, terms, Events(found), found.Count), null);
    }

    private static async Task<IResult> ListAsync(string? level, string? source, string? component, double? hours, int? count, string? runId, string? eventId, IStore store, TelemetrySink sink, TimeProvider time, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var (query, error) = Query([], level, source, component, hours, count, time);
        if (error is not null) return error.ToResult();
        IReadOnlyList<TelemetryRecord> found;
        if (!string.IsNullOrEmpty(runId) || !string.IsNullOrEmpty(eventId))
        {
            // Correlated telemetry reads oldest first, like a timeline; the other filters do not apply.
            found = await store.Reader.TelemetryForAsync(string.IsNullOrEmpty(eventId) ? [] : [eventId], string.IsNullOrEmpty(runId) ? [] : [runId], query!.Count, ct);
        }
        else found = await store.Reader.SearchTelemetryAsync(query!, ct);
        return Results.Json(new TelemetryListResult(Events(found), found.Count));
    }

    private static async Task<IResult> StatsAsync(double? hours, IStore store, TelemetrySampler sampler, TelemetrySink sink, ServerOptions options, TimeProvider time,
        CancellationToken ct)
    {
        var (result, error) = await StatsResultAsync(hours, store, sampler, sink, options, time, ct);
        return error is not null ? error.ToResult() : Results.Json(result);
    }

    /// <summary>The answer of <c>GET /v1/otel/stats</c> (also the dashboard's telemetry page), or the 400 for a bad window.</summary>
    internal static async Task<(TelemetryStatsResult? Result, ApiError? Error)> StatsResultAsync(double? hours, IStore store, TelemetrySampler sampler, TelemetrySink sink,
        ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        await sink.FlushAsync(ct);
        var window = hours ?? 24;
        var (start, hoursError) = RestApi.HoursParam(window, time);
        if (hoursError is not null) return (null, hoursError);
        var since = start!.Value;
        var stats = TelemetryStats.From(await store.Reader.CountTelemetryAsync(since, ct));
        static List<TelemetryFacetView> Facets(IReadOnlyList<TelemetryFacet> facets) =>
            facets.Select(f => new TelemetryFacetView(f.Value, f.Count, f.Failures, f.ErrorRate)).ToList();
        return (new TelemetryStatsResult(window, since, stats.Total, stats.Failures, stats.ErrorRate, stats.ByLevel,
            new TelemetryFacets(Facets(stats.Sources), Facets(stats.Components), Facets(stats.Actions)),
            new TelemetrySampling(options.TelemetryFloodThreshold, options.TelemetryFloodSampleOneIn, sampler.SampledOut),
            Math.Round(options.TelemetryRetention.TotalDays, 2)), null);
    }

    private static (TelemetryQuery?, ApiError?) Query(IReadOnlyList<string> terms, string? level, string? source, string? component, double? hours, int? count,
        TimeProvider time)
    {
        var levels = new List<string>();
        foreach (var l in (level ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TelemetryLevel.Normalize(l) is not { } normalized)
                return (null, ApiError.BadRequest("invalid_level", $"level must be one of {string.Join(", ", TelemetryLevel.All)} (comma-separated for several)"));
            levels.Add(normalized);
        }
        if (count is < 1 or > RestApi.MaxCount) return (null, ApiError.BadRequest("invalid_count", $"count must be between 1 and {RestApi.MaxCount}"));
        var (since, hoursError) = RestApi.HoursParam(hours, time);
        if (hoursError is not null) return (null, hoursError);
        return (new TelemetryQuery(terms, levels, string.IsNullOrWhiteSpace(source) ? null : source.Trim(),
            string.IsNullOrWhiteSpace(component) ? null : component.Trim(), since, count ?? 50), null);
    }

    /// <summary>The query records, from the one JSON shape of a stored telemetry event (<see cref="TelemetryRecord.ToJson"/>).</summary>
    private static List<TelemetryEventView> Events(IReadOnlyList<TelemetryRecord> records) =>
        records.Select(r => r.ToJson().Deserialize<TelemetryEventView>(SwitchyardJson.Options)!).ToList();
}
