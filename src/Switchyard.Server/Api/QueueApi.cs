using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using Switchyard.Engine.Work;

namespace Switchyard.Server.Api;

/// <summary>The prioritized work queue under <c>/v1/queue</c>, behind the REST API token: emit, list, stats, one
/// item with why it has (not) run, and family pauses.</summary>
public static class QueueApi
{
    /// <summary>Default page size of <c>GET /v1/queue</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Maps <c>/v1/queue/*</c>.</summary>
    public static void MapQueueApi(this IEndpointRouteBuilder app)
    {
        var queue = app.MapGroup("/v1/queue").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        // Mapped outside the group: a group's "" route would be /v1/queue/ with a trailing slash.
        app.MapGet("/v1/queue", ListAsync).RequireApiToken().Answers<QueueItemList>(400);
        queue.MapGet("/stats", async (QueueInsight insight, CancellationToken ct) => Results.Json(await insight.StatsAsync(ct))).Answers<QueueStats>();
        queue.MapGet("/items/{id}", async (string id, QueueInsight insight, CancellationToken ct) =>
        {
            var (item, error) = await insight.ExplainAsync(id, ct);
            return error is not null ? error.ToResult() : Results.Json(item);
        }).Answers<QueueItemView>(404);
        // Bodies are read by hand (strict checks with field-named errors), so their records are declared here.
        queue.MapPost("/{family}", EmitAsync).Accepts<QueueEmitRequest>("application/json").Answers<QueueEmitResult>(400, 413);
        queue.MapPost("/{family}/pause", PauseAsync).Accepts<QueuePauseRequest>("application/json").Answers<QueuePauseView>(400, 413);
        queue.MapPost("/{family}/resume", async (string family, QueuePauses pauses, CancellationToken ct) =>
        {
            var (result, error) = await pauses.ResumeAsync(family, ct);
            return error is not null ? error.ToResult() : Results.Json(result);
        }).Answers<QueueResumeResult>(400);
    }

    private static async Task<IResult> ListAsync(string? family, string? state, int? limit, QueueInsight insight, CancellationToken ct)
    {
        var (list, error) = await insight.ListAsync(family, state, limit ?? DefaultLimit, ct);
        return error is not null ? error.ToResult() : Results.Json(list);
    }

    private static async Task<IResult> EmitAsync(string family, HttpContext http, QueueEmitter emitter, ServerOptions options, CancellationToken ct)
    {
        var (body, bodyError) = await KvApi.ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        if (body!["data"] is not JsonObject data) return ApiError.BadRequest("invalid_data", "data is required and must be a JSON object").ToResult();
        var (priority, priorityError) = OptionalString(body, "priority");
        var (dedupKey, dedupError) = OptionalString(body, "dedupKey");
        if ((priorityError ?? dedupError) is { } fieldError) return fieldError.ToResult();
        var (result, error) = await emitter.EmitAsync(family, data, priority, dedupKey, ct);
        return error is not null ? error.ToResult() : Results.Json(result);
    }

    private static async Task<IResult> PauseAsync(string family, HttpContext http, QueuePauses pauses, ServerOptions options, CancellationToken ct)
    {
        var (body, bodyError) = await KvApi.ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        var (ttlText, ttlError) = OptionalString(body!, "ttl");
        var (reason, reasonError) = OptionalString(body!, "reason");
        if ((ttlError ?? reasonError) is { } fieldError) return fieldError.ToResult();
        var ttl = QueuePauses.DefaultTtl;
        if (ttlText is not null && !ConfigDuration.TryParse(ttlText, out ttl, out var problem))
            return ApiError.BadRequest("invalid_ttl", $"ttl: {problem}").ToResult();
        var (pause, error) = await pauses.PauseAsync(family, ttl, reason, ct);
        return error is not null ? error.ToResult() : Results.Json(pause);
    }

    private static (string? Value, ApiError? Error) OptionalString(JsonObject body, string field) => body[field] switch
    {
        null => (null, null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (v.GetValue<string>(), null),
        _ => (null, ApiError.BadRequest($"invalid_{field}", $"{field} must be a string")),
    };
}
