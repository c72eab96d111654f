using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using Switchyard.Engine.Events;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Parsing;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;

namespace Switchyard.Server.Api;

/// <summary><c>POST /v1/checkpoint/{runId}/async</c>: Inngest's async checkpointing. A v4 SDK whose call carries
/// <c>ctx.fn_id</c> and <c>ctx.qi_id</c> runs consecutive steps in that one call and posts each result here before
/// going on, so a crash loses no finished step while the run needs one call instead of one per step. Each checkpoint
/// is one store commit. A 409 tells the SDK the call is stale (already applied, retried, or the run ended) and it stops;
/// any other failure makes the SDK retry and then fall back to returning the steps in its answer.</summary>
public static class CheckpointApi
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapCheckpointApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/checkpoint/{runId}/async", HandleAsync).Accepts<AsyncCheckpoint>("application/json")
            .Produces<CheckpointAccepted>(StatusCodes.Status200OK).Produces<ApiErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ApiErrorBody>(StatusCodes.Status401Unauthorized).Produces<ApiErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ApiErrorBody>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> HandleAsync(string runId, HttpContext http, ResponseApplier applier, EventIngest ingest, ServerOptions options, CancellationToken ct)
    {
        // The SDK authenticates API calls with the hash of its signing key, as it does for sync.
        if (!options.Dev && !RegisterApi.IsSigningKeyBearer(http.Request.Headers.Authorization.ToString(), options))
            return new ApiError(401, "unauthorized", "the Authorization bearer must be the app's signing key or its hash").ToResult();
        var (body, tooLarge) = await EventApi.ReadBodyAsync(http.Request, AppClient.MaxAnswerBytes, ct);
        if (tooLarge) return new ApiError(413, "too_large", $"checkpoint larger than {AppClient.MaxAnswerBytes / (1024 * 1024)} MiB").ToResult();
        // Step values are stored like an answer's, so they obey the same JSON limits.
        if (JsonLimits.Problem(body) is { } problem) return ApiError.BadRequest("invalid_checkpoint", $"body: {problem}").ToResult();
        AsyncCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<AsyncCheckpoint>(body, ProtocolJson.Options);
        }
        catch (JsonException ex)
        {
            return ApiError.BadRequest("invalid_checkpoint", $"body is not a checkpoint: {ex.Message}").ToResult();
        }
        if (checkpoint is null) return ApiError.BadRequest("invalid_checkpoint", "body is empty").ToResult();
        if (string.IsNullOrEmpty(checkpoint.QueueItemId))
            return ApiError.BadRequest("invalid_checkpoint", "qi_id is required: echo the ctx.qi_id of the call").ToResult();
        if (checkpoint.RunId is { Length: > 0 } bodyRun && bodyRun != runId)
            return ApiError.BadRequest("invalid_checkpoint", $"run_id '{bodyRun}' does not match the path's run id '{runId}'").ToResult();
        var steps = new List<Op>();
        foreach (var op in checkpoint.Steps ?? [])
        {
            if (op.Code is OpCode.StepRun or OpCode.Step) steps.Add(op);
            // Only finished steps can be checkpointed: anything that pauses the run ends the call and comes in its answer.
            else if (op.Code is not (OpCode.StepPlanned or OpCode.DeferAdd or OpCode.DeferAbort))
                return ApiError.BadRequest("invalid_checkpoint", $"steps: op {op.Code} of step '{op.Label}' cannot be checkpointed; it belongs in the call's answer").ToResult();
        }
        var stored = await ingest.WriteAsync(tx => applier.Checkpoint(tx, runId, checkpoint.QueueItemId, steps), ct);
        return stored
            ? Results.Json(new CheckpointAccepted(200))
            : new ApiError(409, "stale_checkpoint", $"queue item '{checkpoint.QueueItemId}' of run '{runId}' is no longer in flight (its call was applied or retried, or the run ended)").ToResult();
    }
}
