using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Switchyard.Server.Webhooks;

/// <summary>What webhook ingress reports: a warning log line per rejected delivery and counters on the
/// <see cref="MeterName"/> meter. Rejected deliveries are never stored as events.</summary>
public sealed class WebhookTelemetry
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Switchyard.Webhooks";

    private readonly ILogger<WebhookTelemetry> _logger;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _signatureFailures;

    /// <summary>Creates the instruments.</summary>
    public WebhookTelemetry(IMeterFactory meters, ILogger<WebhookTelemetry> logger)
    {
        _logger = logger;
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("switchyard.webhook.deliveries", "{delivery}", "Webhook deliveries by provider and outcome");
        _signatureFailures = meter.CreateCounter<long>("switchyard.webhook.signature_failures", "{delivery}", "Webhook deliveries rejected for a missing or wrong signature");
    }

    /// <summary>A delivery failed verification.</summary>
    public void SignatureFailed(string provider, string address, string problem)
    {
        _logger.LogWarning("webhook.signature_failed provider={Provider} remote={Remote}: {Problem}", provider, address, problem);
        _signatureFailures.Add(1, new KeyValuePair<string, object?>("provider", provider));
        Delivery(provider, "signature_failed");
    }

    /// <summary>A delivery from an address over the failure limit was refused.</summary>
    public void RateLimited(string provider, string address)
    {
        _logger.LogWarning("webhook.rate_limited provider={Provider} remote={Remote}: too many failed verifications", provider, address);
        Delivery(provider, "rate_limited");
    }

    /// <summary>Counts a delivery with its outcome (<c>accepted</c>, <c>challenge</c>, <c>too_large</c>, <c>invalid</c>…).</summary>
    public void Delivery(string provider, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));
}
