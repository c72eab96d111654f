using System.Text.Json.Nodes;
using Switchyard.Client.Models;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Work;

/// <summary>Family pauses (<c>yard queue pause FAMILY --ttl 15m --reason R</c>): durable kv entries that end by
/// themselves. A paused family's items stay queued. The entry is kept past its end until a dispatcher removes it and
/// records <c>queue.family.expired</c>, so every pause ends with a record, even one that ended while the server was down.</summary>
public sealed class QueuePauses(IStore store, QueueFamilies families, QueueTelemetry telemetry, WorkSignal signal, TimeProvider time)
{
    /// <summary>kv namespace of pauses, keyed by family.</summary>
    public const string Namespace = "queue.pause";

    /// <summary>Pause length when none is given.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(15);

    /// <summary>Longest pause.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(30);

    /// <summary>Pauses <paramref name="family"/> for <paramref name="ttl"/> (replacing a pause already there).</summary>
    public async Task<(QueuePauseView? Pause, EngineError? Error)> PauseAsync(string family, TimeSpan ttl, string? reason, CancellationToken cancellationToken)
    {
        if (families.Find(family) is null) return (null, families.Unknown(family));
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl) return (null, EngineError.Invalid("invalid_ttl", $"ttl must be more than 0 and at most {MaxTtl.TotalDays} days"));
        var why = string.IsNullOrWhiteSpace(reason) ? "paused by an operator" : reason.Trim();
        var pause = await store.WriteAsync(tx =>
        {
            var view = new QueuePauseView(family, why, tx.Now, tx.Now + (long)ttl.TotalMilliseconds);
            tx.KvPut(Namespace, family, new JsonObject { ["reason"] = view.Reason, ["pausedAt"] = view.PausedAt, ["until"] = view.Until }.ToJsonString(), null);
            telemetry.Family(tx, "queue.family.paused", family, view.Reason, view.Until);
            return view;
        }, cancellationToken);
        return (pause, null);
    }

    /// <summary>Ends <paramref name="family"/>'s pause now.</summary>
    public async Task<(QueueResumeResult? Result, EngineError? Error)> ResumeAsync(string family, CancellationToken cancellationToken)
    {
        if (families.Find(family) is null) return (null, families.Unknown(family));
        var resumed = await store.WriteAsync(tx =>
        {
            if (!tx.KvDelete(Namespace, family)) return false;
            telemetry.Family(tx, "queue.family.resumed", family, null, null);
            tx.OnCommitted(signal.Wake);
            return true;
        }, cancellationToken);
        return (new QueueResumeResult(family, resumed), null);
    }

    /// <summary>The family's pause in <paramref name="tx"/>, or null. A pause past its end is removed here, with its
    /// <c>queue.family.expired</c> record.</summary>
    public QueuePauseView? Active(IStoreTransaction tx, string family)
    {
        if (tx.KvGet(Namespace, family) is not { } value) return null;
        var pause = Parse(family, value);
        if (pause.Until > tx.Now) return pause;
        tx.KvDelete(Namespace, family);
        telemetry.Family(tx, "queue.family.expired", family, pause.Reason, pause.Until);
        return null;
    }

    /// <summary>Pauses in force now (committed ones; a pause past its end is not listed).</summary>
    public async Task<IReadOnlyList<QueuePauseView>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return (await store.Reader.KvListAsync(Namespace, cancellationToken)).Select(e => Parse(e.Key, e.Value)).Where(p => p.Until > now).ToList();
    }

    /// <summary>Removes every pause past its end (recording each expiry) and returns the families still paused.</summary>
    public async Task<IReadOnlySet<string>> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var paused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (family, value, _) in await store.Reader.KvListAsync(Namespace, cancellationToken))
        {
            if (Parse(family, value).Until > now) paused.Add(family);
            else if (await store.WriteAsync(tx => Active(tx, family), cancellationToken) is not null) paused.Add(family);
        }
        return paused;
    }

    private static QueuePauseView Parse(string family, string value)
    {
        var o = JsonNode.Parse(value) as JsonObject ?? [];
        return new QueuePauseView(family, o["reason"]?.GetValue<string>() ?? "", o["pausedAt"]?.GetValue<long>() ?? 0, o["until"]?.GetValue<long>() ?? 0);
    }
}
