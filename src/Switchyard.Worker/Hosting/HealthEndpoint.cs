using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Worker.Hosting;

/// <summary><c>GET /health</c>: 200 while the process serves requests. Registration state is reported, not judged:
/// a worker the server has not synced yet is alive, and restarting it would not help.</summary>
internal static class HealthEndpoint
{
    public static void MapWorkerHealth(this IEndpointRouteBuilder endpoints, WorkerOptions options, IReadOnlyList<string> functionIds)
    {
        var time = endpoints.ServiceProvider.GetRequiredService<TimeProvider>();
        var startedAt = time.GetUtcNow();
        endpoints.MapGet(WorkerEndpoint.HealthPath, (SyncState sync) =>
        {
            var last = sync.Last;
            return Results.Json(new
            {
                status = "ok",
                app = options.RegisteredAppId,
                role = options.Role,
                functions = functionIds,
                serve = WorkerEndpoint.ServePath,
                server = options.ServerUrl.ToString(),
                sync = last is null ? null : new { at = last.At.ToUnixTimeMilliseconds(), ok = last.Ok, message = last.Message },
                uptimeSeconds = Math.Round((time.GetUtcNow() - startedAt).TotalSeconds, 1),
            });
        }).WithDisplayName("Worker liveness");
    }
}
