using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Client.Models;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Operations;
using Switchyard.Engine.Runs;
using Switchyard.Protocol;
using Switchyard.Protocol.Dags;

namespace Switchyard.Server.Api;

/// <summary>DAG runs and pipelines under <c>/v1/dags</c> and <c>/v1/pipelines</c>, behind the API token outside dev
/// mode. A DAG is validated completely before anything is stored; a bad one gets a 400 naming the node and field.</summary>
public static class DagApi
{
    /// <summary>Longest <c>wait</c> a request may ask for.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    /// <summary>Maps the routes.</summary>
    public static void MapDagApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        v1.MapPost("/dags", SubmitAsync).Accepts<JsonObject>("application/json").Answers<DagSubmitted>(400, 409, 413).Produces<DagSubmitted>(StatusCodes.Status201Created);
        v1.MapGet("/dags", ListAsync).Answers<DagRunList>(400);
        v1.MapGet("/dags/{id}", GetAsync).Answers<DagRunView>(400, 404);
        v1.MapPost("/dags/{id}/cancel", CancelAsync).Answers<DagRunView>(404, 409);

        v1.MapGet("/pipelines", async (DagViews views, CancellationToken ct) => Results.Json(await views.PipelinesAsync(ct))).Answers<PipelineList>();
        v1.MapGet("/pipelines/{name}", async (string name, DagViews views, CancellationToken ct) =>
        {
            var (detail, error) = await views.PipelineAsync(name, ct);
            return error is not null ? error.ToResult() : Results.Json(detail);
        }).Answers<PipelineDetail>(404);
        v1.MapPost("/pipelines/{name}/trigger", TriggerAsync).Accepts<PipelineTriggerRequest>("application/json").Answers<PipelineTriggerResult>(400, 404, 413);
        v1.MapGet("/pipelines/{name}/history", async (string name, int? count, DagViews views, CancellationToken ct) =>
        {
            var (n, countError) = RestApi.CountParam(count, 50);
            if (countError is not null) return countError.ToResult();
            var (history, error) = await views.HistoryAsync(name, n, ct);
            return error is not null ? error.ToResult() : Results.Json(history);
        }).Answers<PipelineHistory>(400, 404);
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, string? wait, ServerOptions options, DagSubmitter submitter, DagViews views,
        RunCompletions completions, CancellationToken ct)
    {
        var (waitFor, waitError) = Wait(wait);
        if (waitError is not null) return waitError.ToResult();
        var (body, bodyError) = await KvApi.ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        var parsed = DagParser.Parse(body, ["input"]);
        if (parsed.Spec is not { } spec)
            return ApiError.BadRequest("invalid_dag", string.Join("; ", parsed.Problems.Select(p => p.ToString()))).ToResult();
        if (spec.Pipeline is not null)
            return ApiError.BadRequest("invalid_dag", "pipeline: is set by the server for pipeline runs; trigger a pipeline with POST /v1/pipelines/{name}/trigger").ToResult();
        var input = body!.FirstOrDefault(p => p.Key == "input").Value;
        var (submitted, error) = await submitter.SubmitAsync(spec, input, "api", ct);
        if (error is not null) return error.ToResult();
        var answer = new DagSubmitted(submitted!.RunId, submitted.EventId, submitted.Duplicate);
        if (waitFor is { } timeout)
        {
            await completions.WaitAsync(submitted.RunId, timeout, ct);
            var (view, _) = await views.GetAsync(submitted.RunId, ct);
            return Results.Json(view, statusCode: submitted.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }
        return Results.Json(answer, statusCode: submitted.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(string? pipeline, string? status, int? count, DagViews views, CancellationToken ct)
    {
        var (n, countError) = RestApi.CountParam(count, 50);
        if (countError is not null) return countError.ToResult();
        RunStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!RunStatuses.TryParseFilter(status, out var parsed))
                return ApiError.BadRequest("invalid_status", $"status must be one of {string.Join(", ", RunStatuses.All)}").ToResult();
            filter = parsed;
        }
        return Results.Json(await views.ListAsync(string.IsNullOrEmpty(pipeline) ? null : pipeline, filter, n, ct));
    }

    private static async Task<IResult> GetAsync(string id, string? wait, DagViews views, RunCompletions completions, CancellationToken ct)
    {
        var (waitFor, waitError) = Wait(wait);
        if (waitError is not null) return waitError.ToResult();
        if (waitFor is { } timeout) await completions.WaitAsync(id, timeout, ct);
        var (view, error) = await views.GetAsync(id, ct);
        return error is not null ? error.ToResult() : Results.Json(view);
    }

    private static async Task<IResult> CancelAsync(string id, DagViews views, RunCanceller canceller, CancellationToken ct)
    {
        var (_, notDag) = await views.GetAsync(id, ct);
        if (notDag is not null) return notDag.ToResult();
        var (_, error) = await canceller.CancelAsync(id, "DAG cancelled by operator", ct);
        if (error is not null) return error.ToResult();
        var (view, _) = await views.GetAsync(id, ct);
        return Results.Json(view);
    }

    private static async Task<IResult> TriggerAsync(string name, HttpContext http, string? wait, ServerOptions options, EventIngest ingest, IPipelineLauncher launcher,
        DagViews views, RunCompletions completions, CancellationToken ct)
    {
        var (waitFor, waitError) = Wait(wait);
        if (waitError is not null) return waitError.ToResult();
        if (!launcher.Exists(name)) return views.UnknownPipeline(name).ToResult();
        JsonNode? data = null;
        string? requestId = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var (body, bodyError) = await KvApi.ReadObjectAsync(http, options, ct);
            if (bodyError is not null) return bodyError.ToResult();
            foreach (var (key, value) in body!)
            {
                if (value is null) continue;
                if (key == "data") data = value.DeepClone();
                else if (key == "requestId" && value is JsonValue v && v.TryGetValue(out string? rid) && rid.Length is > 0 and <= DagLimits.MaxRequestIdLength) requestId = rid;
                else return ApiError.BadRequest(key == "requestId" ? "invalid_request_id" : "invalid_body",
                    key == "requestId" ? $"requestId must be a string of 1 to {DagLimits.MaxRequestIdLength} characters" : $"{key} is not a field (data, requestId)").ToResult();
            }
        }
        var result = await LaunchAsync(name, data, requestId ?? "api:" + Ulid.NewUlid(), "api", ingest, launcher, ct);
        if (waitFor is { } timeout && result.RunId is { } runId && result.Outcome is PipelineLaunchOutcome.Started or PipelineLaunchOutcome.Replaced or PipelineLaunchOutcome.Duplicate)
            await completions.WaitAsync(runId, timeout, ct);
        return Results.Json(new PipelineTriggerResult(result.Outcome.ToString().ToLowerInvariant(), result.RunId, result.EventId, result.Reason));
    }

    /// <summary>Triggers pipeline <paramref name="name"/> (<c>POST /v1/pipelines/{name}/trigger</c>, and the dashboard's
    /// Trigger button) in one store transaction.</summary>
    internal static Task<PipelineLaunchResult> LaunchAsync(string name, JsonNode? data, string requestId, string source, EventIngest ingest, IPipelineLauncher launcher,
        CancellationToken ct) =>
        ingest.WriteAsync(tx => launcher.Launch(tx, new PipelineLaunchRequest(name, data, requestId, source)), ct);

    private static (TimeSpan? Wait, ApiError? Error) Wait(string? wait)
    {
        if (string.IsNullOrEmpty(wait)) return (null, null);
        if (!TimeString.TryParseDuration(wait, out var span) || span <= TimeSpan.Zero)
            return (null, ApiError.BadRequest("invalid_wait", "wait must be a duration such as 30s or 2m"));
        return (span > MaxWait ? MaxWait : span, null);
    }
}
