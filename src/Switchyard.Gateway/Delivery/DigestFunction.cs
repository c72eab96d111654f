using Switchyard.Gateway.Configuration;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Delivery;

/// <summary>The durable delivery of a digest (<c>gateway/digest.requested</c>, function <c>&lt;app&gt;-digest</c>):
/// one message listing the queued notifications, sent like any notification through the <c>digest</c> route, then
/// one receipt per queued notification, carrying the digest's platform message id.</summary>
public sealed class DigestFunction(GatewayConfig config, DeliveryRouter router, DeliverySender sender, DeliveryReporter reporter) : SwitchyardFunction<DigestRequest>
{
    /// <summary>The function's id within the gateway app.</summary>
    public const string FunctionId = "digest";

    /// <inheritdoc />
    public override void Configure(FunctionBuilder function) => function
        .Id(FunctionId).Name("Gateway: deliver a digest")
        .OnEvent(DeliveryEvents.DigestRequested)
        .Idempotency("event.data.digestId")
        .Retries(config.SendRetries);

    /// <inheritdoc />
    public override async Task<object?> RunAsync(FunctionContext<DigestRequest> context)
    {
        var request = context.Event.Data;
        var items = request?.Items ?? [];
        var digestId = request?.DigestId ?? context.RunId;
        if (items.Count == 0) return new { digestId, items = 0 };
        var plan = await context.Step.RunAsync("route", () => router.PlanDigestAsync(digestId, items, context.CancellationToken));
        var sessions = plan.Sessions.Count > 0 ? await context.Step.RunAsync("stream", () => reporter.SessionsAsync(plan, context.Event.Id, context.CancellationToken)) : [];
        var outcomes = await Task.WhenAll(plan.Targets.Select(async t =>
        {
            try
            {
                return await context.Step.RunAsync("send:" + t.Channel, () => sender.SendAsync(plan, t, context.CancellationToken));
            }
            catch (StepFailedException ex)
            {
                return new DeliveryOutcome(t.Channel, "", "failed", null, t.ChatId, ex.Message, 0);
            }
        }));
        IReadOnlyList<DeliveryOutcome> all = [.. outcomes, .. plan.Skipped];
        var receipts = items.Select(i => Receipt.From(i.CorrelationId, i.Kind, all, sessions, i.EventId, context.RunId, plan.Error, digestId)).ToList();
        var digestReceipt = Receipt.From(digestId, "digest", all, sessions, context.Event.Id, context.RunId, plan.Error, digestId);
        await context.Step.RunAsync("report", () => reporter.ReceiptAsync(digestReceipt, context.CancellationToken));
        await context.Step.SendEventAsync("receipts", receipts.Select(r => new Event(r.EventName, r) { Id = DeliveryEvents.ReceiptId(r.CorrelationId) }));
        return digestReceipt;
    }
}
