using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Client.Models;
using Switchyard.Engine.Model;
using Switchyard.Engine.Retention;

namespace Switchyard.Server.Api;

/// <summary><c>POST /v1/gc</c> (behind the API token): runs retention now, or with <c>?dry_run=true</c> counts what
/// it would delete. The server does it, not the CLI, so the deletes go through the store's one writer in slices.</summary>
public static class RetentionApi
{
    /// <summary>Maps <c>/v1/gc</c>.</summary>
    public static void MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        v1.MapPost("/gc", GcAsync).Answers<GcResult>(400);
    }

    private static async Task<IResult> GcAsync(HttpRequest request, RetentionSweeper sweeper, CancellationToken ct)
    {
        var text = request.Query["dry_run"].ToString();
        if (text.Length > 0 && !bool.TryParse(text, out _))
            return ApiError.BadRequest("invalid_dry_run", "dry_run must be true or false").ToResult();
        var dryRun = text.Length > 0 && bool.Parse(text);
        var counts = dryRun ? await sweeper.CountAsync(ct) : await sweeper.SweepAsync(ct);
        return Results.Json(new GcResult(dryRun, View(counts), counts.Total));
    }

    private static GcCounts View(RetentionCounts c) =>
        new(c.Runs, c.Steps, c.History, c.Decisions, c.QueueItems, c.Waits, c.Events, c.WorkItems, c.Telemetry);
}
