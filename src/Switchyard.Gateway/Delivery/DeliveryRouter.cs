using System.Text;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.State;

namespace Switchyard.Gateway.Delivery;

/// <summary>Decides where a notification goes: the reply target, or the routing table row of its kind (else
/// <c>default</c>, else every channel); queued for the sleep digest while the gateway sleeps (alerts and replies pass),
/// or for the periodic digest when the row says so; muted and turned-off channels skipped; the central session plus the
/// origin session (not for alerts).</summary>
public sealed class DeliveryRouter(GatewayConfig config, ChannelDirectory channels, IGatewayState state, TimeProvider time)
{
    /// <summary>Most buttons per notification.</summary>
    public const int MaxActions = 6;

    /// <summary>Plans the delivery of <paramref name="request"/>; queues it when it is to wait for a digest.</summary>
    public async Task<DeliveryPlan> PlanAsync(NotifyRequest request, string correlationId, string? eventId, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        var kind = request.Kind ?? "";
        var text = request.Text ?? "";
        var actions = request.Actions ?? [];
        DeliveryPlan Fail(string error) => new(correlationId, kind, text, actions, [], [], [], null, error, "none");

        if (!GatewayConfigLoader.Kinds.Contains(kind)) return Fail($"kind '{kind}' must be one of {string.Join(", ", GatewayConfigLoader.Kinds)}");
        if (string.IsNullOrWhiteSpace(text)) return Fail("text is empty");
        if (actions.Count > MaxActions) return Fail($"at most {MaxActions} actions");
        if (actions.FirstOrDefault(a => string.IsNullOrEmpty(a.Label) || a.Label.Length > 40 || string.IsNullOrEmpty(a.Data) || Encoding.UTF8.GetByteCount(a.Data) > 64) is { } bad)
            return Fail($"action '{bad.Label}': label must be 1–40 characters and data 1–64 bytes");

        var sleeping = await state.SleepUntilAsync(cancellationToken) is not null;
        if (request.ReplyTo is null && kind != "alert")
        {
            var queue = sleeping ? DigestQueues.Sleep : RouteFor(kind).Route.Delivery == RouteDelivery.Digest ? DigestQueues.Digest : null;
            if (queue is not null)
            {
                await state.EnqueueAsync(queue, // When it was requested (the event's time), not when its run got here: runs of two notifications sent in order may
                // reach this point in either order, and a digest lists them as they were sent.
                new QueuedNotification(correlationId, kind, text, request.Session, eventId, requestedAt.ToUnixTimeMilliseconds()), cancellationToken);
                return new DeliveryPlan(correlationId, kind, text, actions, [], [], [], queue, null, RouteFor(kind).Name);
            }
        }

        var sessions = await SessionsAsync(kind, request.Session, cancellationToken);
        IReadOnlyList<DeliveryTarget> wanted;
        string routeName;
        if (request.ReplyTo is { } reply)
        {
            wanted = [new DeliveryTarget(reply.Channel, reply.ChatId, reply.MessageId)];
            routeName = "reply";
        }
        else
        {
            var (route, name) = RouteFor(kind);
            wanted = route.Channels.Select(c => new DeliveryTarget(c)).ToList();
            routeName = name;
        }
        var (targets, skipped) = await FilterAsync(wanted, cancellationToken);
        if (targets.Count == 0 && skipped.Count == 0 && sessions.Count == 0) return Fail($"route '{routeName}' has no channels");
        return new DeliveryPlan(correlationId, kind, text, actions, targets, sessions, skipped, null, null, routeName);
    }

    /// <summary>Plans a digest: the <c>digest</c> route (else <c>default</c>, else every channel), never queued.</summary>
    public async Task<DeliveryPlan> PlanDigestAsync(string digestId, IReadOnlyList<QueuedNotification> items, CancellationToken cancellationToken)
    {
        var text = DigestText(items);
        var (route, name) = RouteFor("digest");
        var (targets, skipped) = await FilterAsync(route.Channels.Select(c => new DeliveryTarget(c)).ToList(), cancellationToken);
        var sessions = await SessionsAsync("digest", null, cancellationToken);
        return new DeliveryPlan(digestId, "digest", text, [], targets, sessions, skipped, null, targets.Count + skipped.Count == 0 ? $"route '{name}' has no channels" : null, name);
    }

    /// <summary>One line per queued notification, oldest first.</summary>
    public static string DigestText(IReadOnlyList<QueuedNotification> items)
    {
        var sb = new StringBuilder();
        sb.Append("Digest: ").Append(items.Count).Append(items.Count == 1 ? " notification" : " notifications");
        foreach (var i in items)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(i.RequestedAt).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            sb.Append('\n').Append("• ").Append(at).Append(" [").Append(i.Kind).Append("] ").Append(i.Text.ReplaceLineEndings(" "));
        }
        return sb.ToString();
    }

    private (RouteConfig Route, string Name) RouteFor(string kind)
    {
        if (config.Routes.TryGetValue(kind, out var route)) return (route, kind);
        if (config.Routes.TryGetValue("default", out var fallback)) return (fallback, "default");
        return (new RouteConfig("all", config.Channels.Select(c => c.Name).ToList(), RouteDelivery.Immediate), "all");
    }

    private async Task<IReadOnlyList<string>> SessionsAsync(string kind, string? origin, CancellationToken ct)
    {
        var sessions = new List<string> { config.CentralSession };
        if (kind != "alert" && !string.IsNullOrEmpty(origin) && origin != config.CentralSession && (await state.SessionsAsync(ct)).Contains(origin))
            sessions.Add(origin);
        return sessions;
    }

    private async Task<(IReadOnlyList<DeliveryTarget> Targets, IReadOnlyList<DeliveryOutcome> Skipped)> FilterAsync(IReadOnlyList<DeliveryTarget> wanted, CancellationToken ct)
    {
        var mutes = await state.MutesAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var targets = new List<DeliveryTarget>();
        var skipped = new List<DeliveryOutcome>();
        foreach (var t in wanted.DistinctBy(t => t.Channel))
        {
            var channel = channels.Find(t.Channel);
            if (channel is null) skipped.Add(new DeliveryOutcome(t.Channel, "unknown", "unknown", null, t.ChatId, $"no channel '{t.Channel}' is configured", now));
            else if (!channel.Config.Enabled) skipped.Add(new DeliveryOutcome(t.Channel, channel.Config.Type, "disabled", null, t.ChatId, "turned off in the configuration (enabled = false)", now));
            else if (mutes.TryGetValue(t.Channel, out var mute)) skipped.Add(new DeliveryOutcome(t.Channel, channel.Config.Type, "muted", null, t.ChatId, $"muted: {mute.Reason}", now));
            else targets.Add(t);
        }
        return (targets, skipped);
    }
}
