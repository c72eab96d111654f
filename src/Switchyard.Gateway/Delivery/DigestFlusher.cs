using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.State;
using Switchyard.Gateway.Stream;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Delivery;

/// <summary>Turns the digest queues into <c>gateway/digest.requested</c> events: the periodic digest every
/// <c>digest_interval</c> while awake, and everything queued (sleep and periodic) when the gateway wakes, by
/// <c>yard gateway wake</c> or because the sleep ran out. Taking a queue is atomic, so with several gateways on one
/// Redis each item is sent in one digest; if the event cannot be sent the items go back to their queue.</summary>
public sealed class DigestFlusher(GatewayConfig config, IGatewayState state, SwitchyardClient bus, StreamHub hub, TimeProvider time, ILogger<DigestFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _flush = new(1, 1);
    private DateTimeOffset _lastPeriodic = time.GetUtcNow();
    private bool _wasSleeping;

    /// <summary>Sends everything queued in <paramref name="queues"/> as one digest; returns its id, or null when nothing was queued.</summary>
    public async Task<string?> FlushAsync(string reason, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            var taken = new List<(string Queue, QueuedNotification Item)>();
            foreach (var q in queues) taken.AddRange((await state.TakeAllAsync(q, cancellationToken)).Select(i => (q, i)));
            if (taken.Count == 0) return null;
            var digestId = $"digest-{Guid.CreateVersion7():N}";
            var items = taken.Select(t => t.Item).OrderBy(i => i.RequestedAt).ToList();
            try
            {
                await bus.SendAsync(new Event(DeliveryEvents.DigestRequested, new DigestRequest(digestId, reason, items)) { Id = digestId }, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                foreach (var (q, item) in taken) await state.EnqueueAsync(q, item, CancellationToken.None);
                throw;
            }
            logger.LogInformation("digest {Digest} ({Reason}) requested with {Count} notifications", digestId, reason, items.Count);
            await hub.GatewayAsync("digest.requested", new JsonObject { ["digestId"] = digestId, ["reason"] = reason, ["items"] = items.Count }, cancellationToken);
            return digestId;
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticks on the gateway's clock, so a sleep running out and the periodic digest follow a test's fake clock.
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var sleeping = await state.SleepUntilAsync(stoppingToken) is not null;
                    if (_wasSleeping && !sleeping)
                        await FlushAsync("wake", [DigestQueues.Sleep, DigestQueues.Digest], stoppingToken);
                    else if (!sleeping && time.GetUtcNow() - _lastPeriodic >= config.DigestInterval)
                    {
                        _lastPeriodic = time.GetUtcNow();
                        // Sleep items left by a gateway that was down when the sleep ended go out with the periodic digest.
                        await FlushAsync("interval", [DigestQueues.Sleep, DigestQueues.Digest], stoppingToken);
                    }
                    _wasSleeping = sleeping;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("digest flush failed: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
