using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Channels;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;
using Switchyard.Gateway.State;
using Switchyard.Gateway.Stream;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Switchyard.Gateway.Inbound;

/// <summary>Long-polls <c>getUpdates</c> for every Telegram channel with <c>poll = true</c>. Only the holder of the
/// bot's lease (<c>telegram:&lt;bot id&gt;</c>) polls, renewing it every third of <c>lease_ttl</c>; the others stand by
/// and take over when the lease lapses, so two gateways never fight over one bot (Telegram answers the second poller
/// with 409). The offset advances past an update only once its event is stored. After
/// <c>failures_before_restart</c> failed polls in a row the poller restarts with a fresh client and connections.</summary>
public sealed class TelegramPoller(GatewayConfig config, ChannelDirectory channels, IGatewayState state, InboundRelay relay, GatewayInstance instance,
    GatewayTelemetry telemetry, StreamHub hub, TimeProvider time, ILogger<TelegramPoller> logger) : BackgroundService
{
    private static readonly UpdateType[] Wanted = [UpdateType.Message, UpdateType.CallbackQuery];

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(channels.All.Where(c => c.Config is { Type: "telegram", Poll: true, Enabled: true }).Select(c => Task.Run(() => RunAsync(c, stoppingToken), stoppingToken)));

    private async Task RunAsync(IChannel channel, CancellationToken ct)
    {
        var c = channel.Config;
        var lease = "telegram:" + TelegramClientFactory.BotId(c.Token!);
        var renewEvery = config.LeaseTtl / 3;
        var status = new PollerStatus("starting", null, 0, 0, null, null, 0);
        void Set(PollerStatus s) => channel.Health.Poller(status = s);
        Set(status);
        var (client, http) = TelegramClientFactory.Create(c, c.PollTimeout + TimeSpan.FromSeconds(15));
        int? offset = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                bool held;
                try
                {
                    held = await state.TryAcquireLeaseAsync(lease, instance.Id, config.LeaseTtl, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Set(status with { State = "standby", LastError = $"lease unavailable: {ex.Message}" });
                    await Task.Delay(renewEvery, ct);
                    continue;
                }
                if (!held)
                {
                    var holder = await HolderAsync(lease, ct);
                    if (status.State != "standby") logger.LogInformation("telegram channel {Channel}: {Holder} holds the poller lease; standing by", c.Name, holder);
                    Set(status with { State = "standby", LeaseHolder = holder });
                    await Task.Delay(renewEvery, ct);
                    continue;
                }
                Set(status with { State = "polling", LeaseHolder = instance.Id });
                logger.LogInformation("telegram channel {Channel}: polling (lease {Lease})", c.Name, lease);
                using var leaseCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var renewing = RenewAsync(lease, renewEvery, leaseCts);
                try
                {
                    while (!leaseCts.IsCancellationRequested)
                    {
                        Update[] updates;
                        try
                        {
                            updates = await client.GetUpdates(offset, 100, (int)Math.Ceiling(c.PollTimeout.TotalSeconds), Wanted, leaseCts.Token);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !leaseCts.IsCancellationRequested)
                        {
                            var failures = status.ConsecutiveFailures + 1;
                            Set(status with { ConsecutiveFailures = failures, LastError = ex.Message });
                            logger.LogWarning("telegram channel {Channel}: getUpdates failed ({Failures} in a row): {Error}", c.Name, failures, ex.Message);
                            if (failures >= c.FailuresBeforeRestart)
                            {
                                (client, http) = await RestartAsync(channel, client, http, status, Set, ct);
                                continue;
                            }
                            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500 * failures, 10_000)), leaseCts.Token);
                            continue;
                        }
                        Set(status with { ConsecutiveFailures = 0, LastPollAt = time.GetUtcNow().ToUnixTimeMilliseconds(), Polls = status.Polls + 1, State = "polling" });
                        foreach (var update in updates.OrderBy(u => u.Id))
                        {
                            await HandleAsync(channel, client, update, leaseCts.Token);
                            offset = update.Id + 1;
                        }
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    logger.LogWarning("telegram channel {Channel}: lost the poller lease; standing by", c.Name);
                    Set(status with { State = "standby", LeaseHolder = null });
                }
                catch (HttpRequestException ex)
                {
                    // The bus did not take an update's event: poll again from the same offset.
                    Set(status with { ConsecutiveFailures = status.ConsecutiveFailures + 1, LastError = $"bus: {ex.Message}" });
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                finally
                {
                    await leaseCts.CancelAsync();
                    await renewing;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            channel.Health.Poller(status with { State = "stopped" });
            http.Dispose();
            try { await state.ReleaseLeaseAsync(lease, instance.Id, CancellationToken.None); }
            catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogDebug("lease release failed: {Error}", ex.Message); }
        }
    }

    private async Task<(TelegramBotClient, HttpClient)> RestartAsync(IChannel channel, TelegramBotClient client, HttpClient http, PollerStatus status,
        Action<PollerStatus> set, CancellationToken ct)
    {
        var restarts = status.Restarts + 1;
        set(status with { State = "restarting", Restarts = restarts });
        logger.LogWarning("telegram channel {Channel}: restarting the poller after {Failures} failed polls (restart {Restarts})", channel.Name, status.ConsecutiveFailures, restarts);
        await telemetry.TelemetryAsync("warn", channel.Name, "gateway.poller.restarted", status.LastError,
            new JsonObject { ["channel"] = channel.Name, ["restarts"] = restarts, ["failures"] = status.ConsecutiveFailures }, ct);
        await hub.GatewayAsync("poller.restarted", new JsonObject { ["channel"] = channel.Name, ["restarts"] = restarts, ["error"] = status.LastError }, ct);
        http.Dispose();
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(restarts, 30)), ct);
        set(status with { State = "polling", Restarts = restarts, ConsecutiveFailures = 0 });
        return TelegramClientFactory.Create(channel.Config, channel.Config.PollTimeout + TimeSpan.FromSeconds(15));
    }

    private async Task RenewAsync(string lease, TimeSpan every, CancellationTokenSource polling)
    {
        try
        {
            while (!polling.IsCancellationRequested)
            {
                await Task.Delay(every, polling.Token);
                bool held;
                try { held = await state.TryAcquireLeaseAsync(lease, instance.Id, config.LeaseTtl, polling.Token); }
                catch (Exception ex) when (ex is not OperationCanceledException) { held = false; logger.LogWarning("lease renewal failed: {Error}", ex.Message); }
                if (!held)
                {
                    await polling.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Polling stopped.
        }
    }

    private async Task<string?> HolderAsync(string lease, CancellationToken ct)
    {
        try { return await state.LeaseHolderAsync(lease, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException) { return null; }
    }

    private async Task HandleAsync(IChannel channel, TelegramBotClient client, Update update, CancellationToken ct)
    {
        var id = update.Id.ToString(CultureInfo.InvariantCulture);
        if (update.Message is { From: { } from } message)
        {
            await relay.RelayAsync(new InboundMessage(channel.Name, "telegram", id, from.Id.ToString(CultureInfo.InvariantCulture), from.Username,
                message.Chat.Id.ToString(CultureInfo.InvariantCulture), message.MessageId.ToString(CultureInfo.InvariantCulture), message.Text ?? message.Caption ?? ""), ct);
        }
        else if (update.CallbackQuery is { } query)
        {
            var chat = query.Message?.Chat.Id.ToString(CultureInfo.InvariantCulture) ?? query.From.Id.ToString(CultureInfo.InvariantCulture);
            await relay.RelayAsync(new InboundMessage(channel.Name, "telegram", id, query.From.Id.ToString(CultureInfo.InvariantCulture), query.From.Username,
                chat, query.Message?.MessageId.ToString(CultureInfo.InvariantCulture), null, query.Data ?? ""), ct);
            try
            {
                // Stops the button's spinner; the press is already an event, so a failure here loses nothing.
                await client.AnswerCallbackQuery(query.Id, cancellationToken: ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug("answerCallbackQuery failed: {Error}", ex.Message);
            }
        }
    }
}
