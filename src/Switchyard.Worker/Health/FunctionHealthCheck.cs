using System.Globalization;
using Switchyard.Client;

namespace Switchyard.Worker.Health;

/// <summary>Compares what the server has registered with what should be there, and finds crons that stopped
/// succeeding. Reads only the server's REST API (<c>/v1/functions</c>, <c>/v1/apps</c>, <c>/v1/cron</c>,
/// <c>/v1/runs</c>), so it sees exactly what <c>yard functions</c> and <c>yard cron list</c> show.</summary>
internal sealed class FunctionHealthCheck(SwitchyardClient bus, WorkerOptions options, TimeProvider time)
{
    /// <summary>How many recent successful runs are scanned for the last one a cron started.</summary>
    private const int RunScan = 100;

    /// <summary>The worker's own functions for its role (each expected to be owned by this worker's app) and the
    /// configured extra ids (any owner).</summary>
    public IReadOnlyList<(string FunctionId, string? App)> Expected() =>
        WorkerFunction.For(options).Select(f => ($"{options.AppId}-{f.Id}", (string?)options.RegisteredAppId))
            .Concat(options.ExpectedFunctions.Select(id => (id, (string?)null)))
            .DistinctBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();

    public async Task<FunctionHealthReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var functions = (await bus.ListFunctionsAsync(cancellationToken)).Functions;
        var apps = (await bus.ListAppsAsync(cancellationToken)).Apps;
        var schedules = (await bus.ListCronAsync(cancellationToken)).Schedules;

        var appsById = functions.GroupBy(f => f.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(f => f.AppId).ToList(), StringComparer.Ordinal);
        var owners = functions.GroupBy(f => f.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Owner, StringComparer.Ordinal);
        var created = apps.ToDictionary(a => a.Id, a => (long?)a.CreatedAt, StringComparer.Ordinal);

        var expected = Expected();
        var missing = new List<MissingFunction>();
        foreach (var (id, app) in expected)
        {
            if (!appsById.TryGetValue(id, out var registeredBy))
                missing.Add(new MissingFunction(id, app, app is null ? "not registered" : $"not registered (expected from {app})"));
            else if (app is not null && !registeredBy.Contains(app, StringComparer.Ordinal))
                missing.Add(new MissingFunction(id, app, $"registered by {string.Join(", ", registeredBy)}, not by {app}"));
            else if (app is not null && owners[id] != app)
                missing.Add(new MissingFunction(id, app, $"also registered by {string.Join(", ", registeredBy.Where(a => a != app))}; runs go to {owners[id]} (first registered)"));
        }

        var conflicts = appsById.Where(kv => kv.Value.Count > 1)
            .Select(kv => new FunctionConflict(kv.Key, kv.Value, owners[kv.Key]))
            .OrderBy(c => c.FunctionId, StringComparer.Ordinal).ToList();

        var stale = new List<StaleCron>();
        foreach (var schedule in schedules)
        {
            if (schedule.Paused) continue;
            var id = schedule.FunctionId;
            var cron = schedule.Cron;
            if (CronCadence.Of(cron, now) is not { } cadence) continue;
            var limit = cadence * 2;
            var lastSuccess = await LastCronSuccessAsync(id, cancellationToken);
            if (lastSuccess is { } at)
            {
                var age = now - DateTimeOffset.FromUnixTimeMilliseconds(at);
                if (age > limit)
                    stale.Add(new StaleCron(id, cron, cadence.TotalSeconds, at, $"last successful run {Describe(age)} ago, more than twice the cadence ({Describe(cadence)})"));
            }
            else if (owners.GetValueOrDefault(id) is { } owner && created.GetValueOrDefault(owner) is { } since
                && now - DateTimeOffset.FromUnixTimeMilliseconds(since) > limit)
            {
                stale.Add(new StaleCron(id, cron, cadence.TotalSeconds, null,
                    $"no successful run since {owner} registered it {Describe(now - DateTimeOffset.FromUnixTimeMilliseconds(since))} ago (cadence {Describe(cadence)})"));
            }
        }

        var status = missing.Count + conflicts.Count + stale.Count == 0 ? "ok" : "degraded";
        return new FunctionHealthReport(status, options.RegisteredAppId, now.ToUnixTimeMilliseconds(),
            appsById.Keys.Order(StringComparer.Ordinal).ToList(), expected.Select(e => e.FunctionId).ToList(), missing, conflicts, stale);
    }

    /// <summary>When the newest successful run a cron started ended, Unix ms.</summary>
    private async Task<long?> LastCronSuccessAsync(string functionId, CancellationToken cancellationToken)
    {
        var runs = (await bus.ListRunsAsync("Completed", functionId, count: RunScan, cancellationToken: cancellationToken)).Runs;
        // The server names the events of cron fires "cron:…"; other runs of the function prove nothing about the schedule.
        var run = runs.FirstOrDefault(r => r.EventId.StartsWith("cron:", StringComparison.Ordinal));
        return run is null ? null : run.EndedAt ?? run.CreatedAt;
    }

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120
        ? span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s"
        : span.TotalMinutes < 120 ? span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min"
        : span.TotalHours < 48 ? span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h"
        : span.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) + " d";
}
