using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>One event for <c>POST /observability/emit</c>. Optional fields are left out when null.</summary>
/// <param name="Source">What emits it, e.g. <c>supervisor</c>, <c>gateway</c>.</param>
/// <param name="Component">The part of it, e.g. a service name.</param>
/// <param name="Action">What happened, e.g. <c>supervisor.child.exited</c>.</param>
/// <param name="Level"><c>debug</c>, <c>info</c> (default), <c>warn</c> or <c>error</c>.</param>
/// <param name="Id">Unique id: a repeated id is stored once.</param>
/// <param name="Timestamp">ISO-8601 time; the server's clock when absent.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Success">Whether it succeeded.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Metadata">Details; <c>runId</c> and <c>eventId</c> in it correlate the event.</param>
/// <param name="SessionId">Session correlation id.</param>
/// <param name="SystemId">System correlation id.</param>
/// <remarks>Written in the order of the emit schema's documentation (id, timestamp, level, source, component, action,
/// metadata, then the optional outcome fields), whatever the constructor's order.</remarks>
public sealed record TelemetryEmit(
    [property: JsonPropertyOrder(-3)] string Source,
    [property: JsonPropertyOrder(-2)] string Component,
    [property: JsonPropertyOrder(-1)] string Action,
    [property: JsonPropertyOrder(-4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Level = null,
    [property: JsonPropertyOrder(-6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null,
    [property: JsonPropertyOrder(-5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Timestamp = null,
    [property: JsonPropertyOrder(1), JsonPropertyName("duration_ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DurationMs = null,
    [property: JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Success = null,
    [property: JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonPropertyOrder(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Metadata = null,
    [property: JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId = null,
    [property: JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SystemId = null);

/// <summary><c>POST /observability/emit</c>: what was stored.</summary>
/// <param name="Ids">One id per event.</param>
/// <param name="Stored">Newly stored.</param>
/// <param name="Duplicates">Already stored (repeated ids).</param>
/// <param name="Sampled">Debug events sampled out during a flood.</param>
/// <param name="Status">Always 200.</param>
public sealed record TelemetryEmitResult(IReadOnlyList<string> Ids, int Stored, int Duplicates, int Sampled, int Status);

/// <summary>A stored telemetry event, as every query answers it.</summary>
/// <param name="Id">Event id.</param>
/// <param name="Timestamp">ISO-8601 time.</param>
/// <param name="Ts">The same, Unix ms.</param>
/// <param name="ReceivedAt">When stored, Unix ms.</param>
/// <param name="Level">Level.</param>
/// <param name="Source">Source.</param>
/// <param name="Component">Component.</param>
/// <param name="Action">Action.</param>
/// <param name="DurationMs">Duration.</param>
/// <param name="Success">Success flag.</param>
/// <param name="Error">Error text.</param>
/// <param name="Metadata">Details.</param>
/// <param name="SessionId">Session correlation id.</param>
/// <param name="SystemId">System correlation id.</param>
public sealed record TelemetryEventView(string Id, string Timestamp, long Ts, long ReceivedAt, string Level, string Source, string Component, string Action,
    [property: JsonPropertyName("duration_ms")] double? DurationMs, bool? Success, string? Error, JsonNode? Metadata, string? SessionId, string? SystemId);

/// <summary><c>GET /v1/otel/search</c>.</summary>
/// <param name="Q">The query as given.</param>
/// <param name="Terms">The words searched for.</param>
/// <param name="Events">Matches, newest first.</param>
/// <param name="Count">How many.</param>
public sealed record TelemetrySearchResult(string? Q, IReadOnlyList<string> Terms, IReadOnlyList<TelemetryEventView> Events, int Count);

/// <summary><c>GET /v1/otel/list</c>.</summary>
/// <param name="Events">Newest first, or oldest first for one run's or event's telemetry.</param>
/// <param name="Count">How many.</param>
public sealed record TelemetryListResult(IReadOnlyList<TelemetryEventView> Events, int Count);

/// <summary><c>GET /v1/otel/stats</c>.</summary>
/// <param name="Hours">Window.</param>
/// <param name="Since">Window start, Unix ms.</param>
/// <param name="Total">Events in the window.</param>
/// <param name="Failures">Errors and <c>success: false</c>.</param>
/// <param name="ErrorRate">Failures per event.</param>
/// <param name="ByLevel">Counts per level.</param>
/// <param name="Facets">Counts per source, component and action.</param>
/// <param name="Sampling">Flood sampling settings and counts.</param>
/// <param name="RetentionDays">How long telemetry is kept.</param>
public sealed record TelemetryStatsResult(double Hours, long Since, long Total, long Failures, double ErrorRate, IReadOnlyDictionary<string, long> ByLevel,
    TelemetryFacets Facets, TelemetrySampling Sampling, double RetentionDays);

/// <summary>Counts per facet value.</summary>
/// <param name="Source">Per source.</param>
/// <param name="Component">Per component.</param>
/// <param name="Action">Per action (the most frequent).</param>
public sealed record TelemetryFacets(IReadOnlyList<TelemetryFacetView> Source, IReadOnlyList<TelemetryFacetView> Component, IReadOnlyList<TelemetryFacetView> Action);

/// <summary>One facet value's counts.</summary>
/// <param name="Value">The value.</param>
/// <param name="Count">Events.</param>
/// <param name="Failures">Failures among them.</param>
/// <param name="ErrorRate">Failures per event.</param>
public sealed record TelemetryFacetView(string Value, long Count, long Failures, double ErrorRate);

/// <summary>Flood sampling.</summary>
/// <param name="FloodThreshold">Debug events per second and source above which sampling starts.</param>
/// <param name="SampleOneIn">One debug event in this many is kept during a flood.</param>
/// <param name="SampledOutSinceStart">Dropped since the server started.</param>
public sealed record TelemetrySampling(int FloodThreshold, int SampleOneIn, long SampledOutSinceStart);
