using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Protocol.Events;
using Switchyard.Engine.Model;
using Switchyard.Engine.FlowControl;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Expressions;

namespace Switchyard.Engine.Scheduling;

/// <summary>Fires cron triggers. The last fired tick of every (function, schedule) is kept in the store and moved
/// in the same transaction that stores the <c>inngest/scheduled.timer</c> event and starts the run, so each tick
/// fires exactly once across restarts. Policy for downtime: the newest tick missed while the server was down fires
/// once at start; older missed ticks are skipped.</summary>
public sealed class CronTicker(IStore store, FunctionRegistry registry, RunAdmission admission, TimeProvider time, ILogger<CronTicker> logger) : BackgroundService
{
    /// <summary>kv namespace of last fired ticks.</summary>
    public const string Namespace = "cron";

    /// <summary>The kv key of a function's schedule.</summary>
    public static string Key(string functionId, string cron) => FlowKeys.Scoped(functionId, cron);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "cron tick failed");
            }
            // Second-level precision is enough for 6-field schedules; the work per tick is a few comparisons.
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lastFires = (await store.Reader.KvListAsync(Namespace, ct)).ToDictionary(e => e.Key, e => long.Parse(e.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        foreach (var fn in registry.Current.Functions.Select(f => registry.Current.Function(f.Id)).Where(f => f is not null).Distinct())
        {
            foreach (var trigger in fn!.Config.Triggers)
            {
                if (string.IsNullOrWhiteSpace(trigger.Cron) || CronSchedule.TryParse(trigger.Cron, out _) is not { } schedule) continue;
                var key = Key(fn.Id, trigger.Cron);
                if (!lastFires.TryGetValue(key, out var last))
                {
                    // First sight of this schedule: start counting from now, without firing the past.
                    await store.WriteAsync(tx => { if (tx.KvGet(Namespace, key) is null) tx.KvPut(Namespace, key, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), null); return 0; }, ct);
                    continue;
                }
                if (schedule.LastBetween(DateTimeOffset.FromUnixTimeMilliseconds(last), now) is { } tick)
                    await FireAsync(fn, trigger.Cron, tick, manual: false, ct);
            }
        }
    }

    /// <summary>Fires a schedule for <paramref name="tick"/>: stores the timer event and admits the run, once.</summary>
    public Task<string?> FireAsync(FunctionRecord fn, string cron, DateTimeOffset tick, bool manual, CancellationToken ct) =>
        store.WriteAsync(tx =>
        {
            var key = Key(fn.Id, cron);
            var tickMs = tick.ToUnixTimeMilliseconds();
            if (!manual)
            {
                if (tx.KvGet(Namespace, key) is { } last && long.Parse(last, CultureInfo.InvariantCulture) >= tickMs) return null;
                tx.KvPut(Namespace, key, tickMs.ToString(CultureInfo.InvariantCulture), null);
            }
            var id = manual ? $"cron:{fn.Id}:manual:{Ulid.NewUlid()}" : $"cron:{fn.Id}:{tickMs}";
            var json = new JsonObject
            {
                ["name"] = InternalEvents.ScheduledTimer,
                ["data"] = new JsonObject { ["cron"] = cron, ["scheduledAt"] = tick.ToString("O", CultureInfo.InvariantCulture), ["fireAt"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ["manual"] = manual },
                ["id"] = id,
                ["ts"] = tx.Now,
            };
            var stored = new StoredEvent(0, id, InternalEvents.ScheduledTimer, json.ToJsonString(), tx.Now, tx.Now, "cron");
            stored = stored with { Seq = tx.InsertEvent(stored) };
            var reason = manual ? "cron triggered by an operator" : $"cron '{cron}' tick {tick:u}";
            var result = fn.Paused
                ? new AdmissionResult(DecisionOutcome.Paused, "function is paused (yard resume to resume)", null)
                : admission.Admit(tx, stored, json, fn, reason);
            tx.InsertDecision(new Decision(stored.Id, stored.Seq, fn.Id, result.Outcome, result.Reason, result.RunId, tx.Now));
            return result.RunId;
        }, ct);
}
