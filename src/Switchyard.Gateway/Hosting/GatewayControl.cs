using System.Text.Json.Nodes;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Delivery;
using Switchyard.Gateway.State;
using Switchyard.Gateway.Stream;

namespace Switchyard.Gateway.Hosting;

/// <summary>What the control endpoints (and so <c>yard gateway …</c>) do: health, sleep and wake, mute and unmute.</summary>
public sealed class GatewayControl(GatewayConfig config, GatewayInstance instance, IGatewayState state, ChannelDirectory channels, StreamHub hub, DigestFlusher flusher,
    TimeProvider time)
{
    /// <summary>The health document of <c>GET /health</c>: overall status, channels and their health, queue depth,
    /// stream clients, sessions and sleep state.</summary>
    public async Task<JsonObject> HealthAsync(CancellationToken cancellationToken)
    {
        var mutes = await state.MutesAsync(cancellationToken);
        var sleepUntil = await state.SleepUntilAsync(cancellationToken);
        var sleepQueue = await state.QueueLengthAsync(DigestQueues.Sleep, cancellationToken);
        var digestQueue = await state.QueueLengthAsync(DigestQueues.Digest, cancellationToken);
        var sessions = await state.SessionsAsync(cancellationToken);
        var list = new JsonArray();
        var degraded = false;
        foreach (var c in channels.All)
        {
            var muted = mutes.TryGetValue(c.Name, out var mute);
            var view = c.Health.View(muted || !c.Config.Enabled);
            degraded |= view.State == HealthState.Degraded;
            list.Add(new JsonObject
            {
                ["name"] = c.Name, ["type"] = c.Config.Type, ["health"] = view.State.ToString().ToLowerInvariant(), ["enabled"] = c.Config.Enabled,
                ["muted"] = muted, ["muteReason"] = mute?.Reason, ["mutedAt"] = mute?.At, ["inbound"] = c.Config.Inbound,
                ["sent"] = view.Sent, ["failed"] = view.Failed, ["consecutiveFailures"] = view.ConsecutiveFailures,
                ["lastError"] = view.LastError, ["lastErrorAt"] = view.LastErrorAt, ["lastSentAt"] = view.LastSentAt,
                ["poller"] = view.Poller is { } p ? new JsonObject
                {
                    ["state"] = p.State, ["leaseHolder"] = p.LeaseHolder, ["restarts"] = p.Restarts, ["consecutiveFailures"] = p.ConsecutiveFailures,
                    ["lastError"] = p.LastError, ["lastPollAt"] = p.LastPollAt, ["polls"] = p.Polls,
                } : null,
            });
        }
        return new JsonObject
        {
            ["status"] = degraded ? "degraded" : "ok",
            ["instance"] = instance.Id,
            ["appId"] = config.AppId,
            ["server"] = config.ServerUrl.ToString(),
            ["uptimeSeconds"] = Math.Round((time.GetUtcNow() - instance.StartedAt).TotalSeconds, 1),
            ["state"] = state.Kind,
            ["sleep"] = new JsonObject { ["sleeping"] = sleepUntil is not null, ["until"] = sleepUntil?.ToUnixTimeMilliseconds() },
            ["queueDepth"] = sleepQueue + digestQueue,
            ["queues"] = new JsonObject { ["sleep"] = sleepQueue, ["digest"] = digestQueue },
            ["streamClients"] = hub.ClientCount,
            ["sessions"] = new JsonArray(sessions.Prepend(config.CentralSession).Distinct().Select(s => (JsonNode?)s).ToArray()),
            ["channels"] = list,
        };
    }

    /// <summary>Sleeps for <paramref name="duration"/>: non-alert notifications wait for the digest on wake.</summary>
    public async Task<JsonObject> SleepAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + duration;
        await state.SetSleepAsync(until, cancellationToken);
        await hub.GatewayAsync("sleep", new JsonObject { ["until"] = until.ToUnixTimeMilliseconds() }, cancellationToken);
        return new JsonObject { ["sleeping"] = true, ["until"] = until.ToUnixTimeMilliseconds(), ["for"] = Switchyard.Configuration.ConfigDuration.Format(duration) };
    }

    /// <summary>Wakes up and sends everything queued as one digest.</summary>
    public async Task<JsonObject> WakeAsync(CancellationToken cancellationToken)
    {
        var was = await state.SleepUntilAsync(cancellationToken);
        await state.SetSleepAsync(null, cancellationToken);
        var queued = await state.QueueLengthAsync(DigestQueues.Sleep, cancellationToken) + await state.QueueLengthAsync(DigestQueues.Digest, cancellationToken);
        var digest = await flusher.FlushAsync("wake", [DigestQueues.Sleep, DigestQueues.Digest], cancellationToken);
        await hub.GatewayAsync("wake", new JsonObject { ["digestId"] = digest, ["items"] = queued }, cancellationToken);
        return new JsonObject { ["sleeping"] = false, ["wasSleeping"] = was is not null, ["digestId"] = digest, ["items"] = queued };
    }

    /// <summary>Mutes a channel; null when there is no such channel.</summary>
    public async Task<JsonObject?> MuteAsync(string channel, string? reason, CancellationToken cancellationToken)
    {
        if (channels.Find(channel) is null) return null;
        var info = new MuteInfo(string.IsNullOrWhiteSpace(reason) ? "muted by operator" : reason, time.GetUtcNow().ToUnixTimeMilliseconds());
        await state.MuteAsync(channel, info, cancellationToken);
        await hub.GatewayAsync("channel.muted", new JsonObject { ["channel"] = channel, ["reason"] = info.Reason }, cancellationToken);
        return new JsonObject { ["channel"] = channel, ["muted"] = true, ["reason"] = info.Reason, ["at"] = info.At };
    }

    /// <summary>Unmutes a channel; null when there is no such channel.</summary>
    public async Task<JsonObject?> UnmuteAsync(string channel, CancellationToken cancellationToken)
    {
        if (channels.Find(channel) is null) return null;
        var was = await state.UnmuteAsync(channel, cancellationToken);
        await hub.GatewayAsync("channel.unmuted", new JsonObject { ["channel"] = channel }, cancellationToken);
        return new JsonObject { ["channel"] = channel, ["muted"] = false, ["wasMuted"] = was };
    }
}
