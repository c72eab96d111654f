using Switchyard.Gateway.Configuration;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Delivery;

/// <summary>The durable delivery run of <c>gateway/notify.requested</c> (function <c>&lt;app&gt;-deliver</c>):
/// <c>route</c> (the plan, stored once) → <c>stream</c> (session streams) → one <c>send:&lt;channel&gt;</c> step per
/// channel, in parallel, each retried by the server with backoff → <c>report</c> → <c>receipt</c>, which emits
/// <c>gateway/delivery.confirmed</c> or <c>gateway/delivery.failed</c> (or <c>gateway/delivery.queued</c> when the
/// request waits for a digest). One run per correlation id within 24 h (idempotency), so a repeated request is
/// delivered once.</summary>
public sealed class DeliverFunction(GatewayConfig config, DeliveryRouter router, DeliverySender sender, DeliveryReporter reporter) : SwitchyardFunction<NotifyRequest>
{
    /// <summary>The function's id within the gateway app.</summary>
    public const string FunctionId = "deliver";

    /// <inheritdoc />
    public override void Configure(FunctionBuilder function) => function
        .Id(FunctionId).Name("Gateway: deliver a notification")
        .OnEvent(NotifyRequest.EventName)
        .Idempotency("has(event.data.correlationId) ? event.data.correlationId : event.id")
        .Retries(config.SendRetries);

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<NotifyRequest> context)
    {
        var request = context.Event.Data ?? new NotifyRequest();
        var correlationId = string.IsNullOrEmpty(request.CorrelationId) ? context.Event.Id ?? context.RunId : request.CorrelationId;
        var plan = await context.Step.RunAsync("route", () => router.PlanAsync(request, correlationId, context.Event.Id, context.Event.Timestamp, context.CancellationToken));

        if (plan.Queued is { } queue)
        {
            await context.Step.SendEventAsync("queued", new Event(DeliveryEvents.Queued, new
            {
                correlationId, kind = plan.Kind, queue, requestEventId = context.Event.Id, runId = context.RunId,
                reason = queue == "sleep" ? "the gateway sleeps: delivered in the digest on wake" : "the route batches this kind into the next digest",
            }) { Id = "gateway-queued-" + correlationId });
            return new { correlationId, state = "queued", queue };
        }

        IReadOnlyList<string> sessions = plan.Error is null && plan.Sessions.Count > 0
            ? await context.Step.RunAsync("stream", () => reporter.SessionsAsync(plan, context.Event.Id, context.CancellationToken))
            : [];
        var outcomes = await Task.WhenAll(plan.Targets.Select(t => SendAsync(context, plan, t)));
        var receipt = Receipt.From(correlationId, plan.Kind, [.. outcomes, .. plan.Skipped], sessions, context.Event.Id, context.RunId, plan.Error);
        await context.Step.RunAsync("report", () => reporter.ReceiptAsync(receipt, context.CancellationToken));
        await context.Step.SendEventAsync("receipt", new Event(receipt.EventName, receipt) { Id = DeliveryEvents.ReceiptId(correlationId) });
        return receipt;
    }

    private async Task<DeliveryOutcome> SendAsync(FunctionContext<NotifyRequest> context, DeliveryPlan plan, DeliveryTarget target)
    {
        try
        {
            return await context.Step.RunAsync("send:" + target.Channel, () => sender.SendAsync(plan, target, context.CancellationToken));
        }
        catch (StepFailedException ex)
        {
            // The step's stored error: the same on every replay, so the receipt is deterministic.
            return new DeliveryOutcome(target.Channel, "", "failed", null, target.ChatId, ex.Message, 0);
        }
    }
}
