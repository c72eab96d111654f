using System.Text.Json.Nodes;
using Switchyard.Protocol;
using Switchyard.Configuration;
using Switchyard.Engine.Execution;
using Switchyard.Engine.Model;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Insight;

/// <summary>One line per component — server, store, each app (URL, last sync, health), function-id conflicts — and
/// an overall ok / degraded / down, each problem with its fix. Apps are probed live with a GET to their serve URL.</summary>
public sealed class StatusReport(TimeProvider time, IStore store, FunctionRegistry registry, IWorkScheduler scheduler, IHttpClientFactory http, ServerOptions options, IEnumerable<IComponentStatusSource> sources)
{
    /// <summary>Builds the report.</summary>
    public async Task<JsonObject> BuildAsync(CancellationToken ct)
    {
        var components = new JsonArray
        {
            Line("server", "ok", $"listening on {options.ClientUrl} ({(options.Dev ? "dev" : "production")} mode)", null),
        };
        if (!options.Dev && options.TelemetryOpen)
            components.Add(Line("telemetry", "degraded", "POST /observability/emit is open to callers without a token (telemetry_open = true): anyone who reaches the server can plant telemetry in traces",
                "set telemetry_open = false and give emitters telemetry_token (or the API token)"));
        var size = File.Exists(store.Location) ? new FileInfo(store.Location).Length : 0;
        components.Add(Line("store", "ok", $"{store.Kind} {store.Location} ({size / 1024} KiB, {await store.Reader.CountEventsAsync(ct)} events, {scheduler.Backlog} queued items)", null));
        foreach (var line in await ReplicaLinesAsync(ct)) components.Add(line);
        foreach (var source in sources)
        {
            var line = source.Status();
            components.Add(Line(line.Component, line.Status, line.Detail, line.Fix));
        }
        if (!string.IsNullOrWhiteSpace(options.GatewayUrl)) components.Add(await ProbeHealthAsync("gateway", options.GatewayUrl, "start it with `yard gateway` (or `yard dev --gateway`)", ct));
        if (!string.IsNullOrWhiteSpace(options.SupervisorUrl)) components.Add(await ProbeHealthAsync("supervisor", options.SupervisorUrl, "start it with `yard supervise --config supervisor.toml`", ct));
        var snapshot = registry.Current;
        var probes = snapshot.Apps.Select(a => ProbeAsync(a, snapshot.Role(a.Id), ct)).ToList();
        foreach (var line in await Task.WhenAll(probes)) components.Add(line);
        if (snapshot.Apps.Count == 0)
            components.Add(Line("apps", "degraded", "no app is synced, so no function can run", "start an app and run `yard sync <url>` (or `yard dev --app <url>`)"));
        foreach (var conflict in snapshot.Conflicts)
        {
            // In ownership order (first registered first), so the first name is where runs go.
            var owners = snapshot.Functions.Where(f => f.Id == conflict)
                .OrderBy(f => snapshot.App(f.AppId)?.CreatedAt ?? long.MaxValue).ThenBy(f => f.AppId, StringComparer.Ordinal).Select(f => snapshot.Role(f.AppId) is { } role ? $"{f.AppId} (role {role})" : f.AppId).ToList();
            components.Add(Line($"function {conflict}", "degraded",
                $"registered by {string.Join(" and ", owners)}; runs go to {snapshot.Function(conflict)!.AppId} (first registered)",
                "remove the function from all but one app, then re-sync"));
        }
        var statuses = components.Select(c => c!["status"]!.GetValue<string>()).ToList();
        var overall = statuses.Contains("down") || statuses.Contains("degraded") ? "degraded" : "ok";
        return new JsonObject { ["overall"] = overall, ["components"] = components };
    }

    /// <summary>Cleanly stopped replicas are listed this long after their stop: long enough to see a rolling restart,
    /// short enough that a day of <c>yard dev</c> restarts does not fill the report.</summary>
    public static readonly TimeSpan StoppedShownFor = TimeSpan.FromHours(1);

    private async Task<List<JsonObject>> ReplicaLinesAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lines = new List<JsonObject>();
        foreach (var r in await store.Reader.ListReplicasAsync(ct))
        {
            var beat = TimeString.Format(TimeSpan.FromMilliseconds(Math.Max(0, now - r.LastBeatAt)));
            var head = $"{r.Address} — yard {r.Version}, started {TimeString.Format(TimeSpan.FromMilliseconds(Math.Max(0, now - r.StartedAt)))} ago";
            switch (r.StateAt(now, options.ReplicaHeartbeat))
            {
                case ReplicaState.Live:
                    lines.Add(Line($"replica {r.Id}", "ok", $"{head}, last beat {beat} ago", null));
                    break;
                case ReplicaState.Silent:
                    lines.Add(Line($"replica {r.Id}", "down", $"{head}; silent: last beat {beat} ago, without a clean shutdown",
                        $"if it crashed or lost the store, restart it; a replica removed for good is forgotten {TimeString.Format(TimeSpan.FromDays(1))} after its last beat"));
                    break;
                case ReplicaState.Stopped when now - r.StoppedAt!.Value <= StoppedShownFor.TotalMilliseconds:
                    lines.Add(Line($"replica {r.Id}", "stopped", $"{head}; shut down cleanly {beat} ago", null));
                    break;
            }
        }
        return lines;
    }

    private async Task<JsonObject> ProbeAsync(AppRecord app, string? role, CancellationToken ct)
    {
        var age = TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - app.SyncedAt);
        var detail = $"{app.Url} — {(role is null ? "" : $"role {role}, ")}{app.FunctionCount} function(s), {app.Sdk}, last sync {TimeString.Format(age)} ago";
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await http.CreateClient(AppClient.HttpClientName).GetAsync(app.Url, cts.Token);
            // A 401 from an SDK in cloud mode still proves it is up and serving.
            if (response.IsSuccessStatusCode || (int)response.StatusCode == 401)
                return Line($"app {app.Id}", "ok", detail, null);
            return Line($"app {app.Id}", "down", $"{detail}; GET answered {(int)response.StatusCode}", $"check the app's serve path, then `yard sync {app.Url}`");
        }
        // Any registered URL must give a line, never a 500: a stored file: or malformed URL throws other exceptions.
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return Line($"app {app.Id}", "down", $"{detail}; not reachable ({ex.Message})", $"start the app, then `yard sync {app.Url}`");
        }
    }

    private async Task<JsonObject> ProbeHealthAsync(string component, string url, string fix, CancellationToken ct)
    {
        try
        {
            var health = new Uri(new Uri(url.TrimEnd('/') + "/"), "health");
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await http.CreateClient(AppClient.HttpClientName).GetAsync(health, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var degraded = body.Contains("\"degraded\"", StringComparison.Ordinal);
            return response.IsSuccessStatusCode
                ? Line(component, degraded ? "degraded" : "ok", $"{url} answers /health{(degraded ? " (it reports itself degraded; see its /health)" : "")}", degraded ? $"inspect {health}" : null)
                : Line(component, "down", $"{url}: /health answered {(int)response.StatusCode}", fix);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return Line(component, "down", $"{url} is not reachable ({ex.Message})", fix);
        }
    }

    private static JsonObject Line(string component, string status, string detail, string? fix)
    {
        var line = new JsonObject { ["component"] = component, ["status"] = status, ["detail"] = detail };
        if (fix is not null) line["fix"] = fix;
        return line;
    }
}
