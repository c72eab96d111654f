using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Model;
using Switchyard.Engine.Telemetry;

namespace Switchyard.Server.Webhooks;

/// <summary>What webhook ingress reports: per rejected delivery a warning log line and a telemetry event
/// (<c>webhook.signature_failed</c>, <c>webhook.rate_limited</c>: provider and remote address, never the body), so
/// <c>yard otel search</c> finds them; and counters on the <see cref="MeterName"/> meter. Rejected deliveries are never
/// stored as events.</summary>
public sealed class WebhookTelemetry
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Switchyard.Webhooks";

    private readonly ILogger<WebhookTelemetry> _logger;
    private readonly TelemetrySink _sink;
    private readonly TimeProvider _time;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _signatureFailures;

    /// <summary>Creates the instruments.</summary>
    public WebhookTelemetry(IMeterFactory meters, TelemetrySink sink, TimeProvider time, ILogger<WebhookTelemetry> logger)
    {
        _logger = logger;
        _sink = sink;
        _time = time;
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
        Report("webhook.signature_failed", provider, address, problem);
    }

    /// <summary>A delivery from an address over the failure limit was refused.</summary>
    public void RateLimited(string provider, string address)
    {
        _logger.LogWarning("webhook.rate_limited provider={Provider} remote={Remote}: too many failed verifications", provider, address);
        Delivery(provider, "rate_limited");
        Report("webhook.rate_limited", provider, address, "too many failed verifications from this address");
    }

    /// <summary>Counts a delivery with its outcome (<c>accepted</c>, <c>challenge</c>, <c>too_large</c>, <c>invalid</c>…).</summary>
    public void Delivery(string provider, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", outcome));

    private void Report(string action, string provider, string address, string problem)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var metadata = new JsonObject { ["provider"] = provider, ["remoteAddress"] = address };
        _sink.Report(new TelemetryRecord(Ulid.NewUlid().ToString(), now, now, TelemetryLevel.Warn, TelemetrySink.Source, "webhooks", action,
            null, false, problem, metadata.ToJsonString(), null, null, null, null));
    }
}
