using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Configuration;
using Switchyard.Engine.Dags;
using Switchyard.Engine.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.Operations;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Work;
using Switchyard.Protocol;
using Switchyard.Server.Api;

namespace Switchyard.Server.Dashboard;

/// <summary>What the dashboard's forms post to. Each binds the form (<see cref="IFormCollection"/>), which makes
/// ASP.NET Core check its anti-forgery token: a post without one is refused with 400 before anything changes. Each
/// answers with a redirect to the page that shows the result (post/redirect/get). They call the same engine services
/// as the REST routes.</summary>
internal static class DashboardActions
{
    /// <summary>Maps the actions on <paramref name="ui"/> (the <c>/ui</c> group).</summary>
    public static void Map(RouteGroupBuilder ui)
    {
        ui.MapPost("/login", Login).AllowAnonymous();
        ui.MapPost("/logout", Logout);
        ui.MapPost("/runs/{id}/cancel", Cancel);
        ui.MapPost("/runs/{id}/rerun", Rerun);
        ui.MapPost("/functions/{id}/pause", (string id, IFormCollection form, IStore store, FunctionRegistry registry, CancellationToken ct) => SetPaused(id, true, store, registry, ct));
        ui.MapPost("/functions/{id}/resume", (string id, IFormCollection form, IStore store, FunctionRegistry registry, CancellationToken ct) => SetPaused(id, false, store, registry, ct));
        ui.MapPost("/functions/{id}/invoke", Invoke);
        ui.MapPost("/events/{id}/replay", ReplayEvent);
        ui.MapPost("/pipelines/{name}/trigger", TriggerPipeline);
        ui.MapPost("/queue/{family}/pause", PauseFamily);
        ui.MapPost("/queue/{family}/resume", ResumeFamily);
        ui.MapPost("/gateway/channels/{name}/mute", (string name, IFormCollection form, DashboardGateway gateway, CancellationToken ct) =>
            GatewayAsync(gateway.MuteAsync(name, form["reason"].ToString(), ct)));
        ui.MapPost("/gateway/channels/{name}/unmute", (string name, IFormCollection form, DashboardGateway gateway, CancellationToken ct) =>
            GatewayAsync(gateway.UnmuteAsync(name, ct)));
    }

    private static async Task<IResult> Login(HttpContext http, IFormCollection form, ServerOptions options)
    {
        var returnUrl = LocalOrDefault(form["returnUrl"]);
        if (options.Dev) return Results.Redirect(returnUrl);
        if (!Credential.MatchesAny(form["token"].ToString(), [options.ApiToken]))
            return Results.Redirect($"{DashboardEndpoints.Prefix}/login?error=wrong_token&returnUrl={Uri.EscapeDataString(returnUrl)}");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> Logout(HttpContext http, IFormCollection form)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect(DashboardEndpoints.Prefix + "/login");
    }

    private static async Task<IResult> Cancel(string id, IFormCollection form, RunCanceller canceller, CancellationToken ct)
    {
        var (_, error) = await canceller.CancelAsync(id, "cancelled by operator (dashboard)", ct);
        return Results.Redirect(DashboardLinks.Run(id) + Notice(error?.Message));
    }

    private static async Task<IResult> Rerun(string id, IFormCollection form, RunReplayer replayer, CancellationToken ct)
    {
        var (runId, error) = await replayer.RerunAsync(id, ct);
        return Results.Redirect(runId is null ? DashboardLinks.Run(id) + Notice(error?.Message) : DashboardLinks.Run(runId));
    }

    private static async Task<IResult> SetPaused(string id, bool paused, IStore store, FunctionRegistry registry, CancellationToken ct)
    {
        var found = await RestApi.SetPausedAsync(id, paused, store, registry, ct);
        return Results.Redirect(DashboardLinks.Functions + Notice(found ? null : $"no function with id '{id}'") + "#" + DashboardLinks.Anchor(id));
    }

    private static async Task<IResult> Invoke(string id, IFormCollection form, RunInvoker invoker, CancellationToken ct)
    {
        var text = form["data"].ToString();
        JsonObject data;
        try
        {
            data = string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? throw new JsonException("data must be a JSON object");
        }
        catch (JsonException ex)
        {
            return Results.Redirect(DashboardLinks.Functions + Notice($"data for {id} is not a JSON object: {ex.Message}") + "#" + DashboardLinks.Anchor(id));
        }
        // Not waiting: the run page shows it progress live.
        var (run, error) = await invoker.InvokeAsync(id, data, null, ct);
        return Results.Redirect(run is null ? DashboardLinks.Functions + Notice(error?.Message) : DashboardLinks.Run(run.Id));
    }

    /// <summary>Sends the event again (same name, data and user, a new id), so every trigger is evaluated anew:
    /// functions that skipped it may run now.</summary>
    private static async Task<IResult> ReplayEvent(string id, IFormCollection form, IStore store, EventIngest ingest, CancellationToken ct)
    {
        id = Uri.UnescapeDataString(id);
        if (await store.Reader.GetEventAsync(id, ct) is not { } stored) return Results.Redirect(DashboardLinks.Events + Notice($"no event with id '{id}'"));
        var body = Engine.Parsing.JsonLimits.ParseStored(stored.Body) as JsonObject;
        var data = body?["data"] as JsonObject ?? [];
        var user = body?["user"] as JsonObject;
        var ids = await ingest.IngestAsync([new IncomingEvent(stored.Name, (JsonObject)data.DeepClone(), null, null, (JsonObject?)user?.DeepClone(), null)], "replay", ct);
        return Results.Redirect(DashboardLinks.Event(ids[0]));
    }

    /// <summary>Triggers a pipeline with the form's optional JSON data, like <c>POST /v1/pipelines/{name}/trigger</c>;
    /// shows the DAG run it started, or the pipeline page with why it did not start one.</summary>
    private static async Task<IResult> TriggerPipeline(string name, IFormCollection form, EventIngest ingest, IPipelineLauncher launcher, CancellationToken ct)
    {
        name = Uri.UnescapeDataString(name);
        if (!launcher.Exists(name)) return Results.Redirect(DashboardLinks.Pipelines + Notice($"no pipeline named '{name}'"));
        var text = form["data"].ToString();
        JsonNode? data = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(text)) data = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return Results.Redirect(DashboardLinks.Pipeline(name) + Notice($"data is not JSON: {ex.Message}"));
        }
        var result = await DagApi.LaunchAsync(name, data, "dashboard:" + Ulid.NewUlid(), "dashboard", ingest, launcher, ct);
        return result.RunId is { } runId && result.Outcome is PipelineLaunchOutcome.Started or PipelineLaunchOutcome.Replaced
            ? Results.Redirect(DashboardLinks.Dag(runId))
            : Results.Redirect(DashboardLinks.Pipeline(name) + Notice($"{result.Outcome.ToString().ToLowerInvariant()}: {result.Reason}"));
    }

    private static async Task<IResult> PauseFamily(string family, IFormCollection form, QueuePauses pauses, CancellationToken ct)
    {
        var ttlText = form["ttl"].ToString();
        var ttl = QueuePauses.DefaultTtl;
        if (!string.IsNullOrWhiteSpace(ttlText) && !ConfigDuration.TryParse(ttlText, out ttl, out var problem))
            return Results.Redirect(DashboardLinks.Queue + Notice($"ttl: {problem}"));
        var reason = form["reason"].ToString();
        var (_, error) = await pauses.PauseAsync(family, ttl, string.IsNullOrWhiteSpace(reason) ? null : reason, ct);
        return Results.Redirect(DashboardLinks.Queue + Notice(error?.Message));
    }

    private static async Task<IResult> ResumeFamily(string family, IFormCollection form, QueuePauses pauses, CancellationToken ct)
    {
        var (_, error) = await pauses.ResumeAsync(family, ct);
        return Results.Redirect(DashboardLinks.Queue + Notice(error?.Message));
    }

    private static async Task<IResult> GatewayAsync(Task<DashboardGateway.Answer> call) =>
        Results.Redirect(DashboardLinks.Gateway + Notice((await call).Problem));

    /// <summary>A message for the page redirected to (shown as a notice, HTML-encoded by the page).</summary>
    private static string Notice(string? message) => message is null ? "" : "?notice=" + Uri.EscapeDataString(message);

    /// <summary>Only a path on this server: an absolute return URL would make the login form an open redirect.</summary>
    private static string LocalOrDefault(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url : DashboardEndpoints.Prefix + "/runs";
}
