using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>A minimal OTLP/HTTP receiver on loopback: accepts <c>POST /v1/traces</c> (protobuf
/// ExportTraceServiceRequest) and keeps each span's ids, parent and name, and <c>POST /v1/metrics</c>
/// (ExportMetricsServiceRequest), keeping each metric's name. Decoded with the protobuf wire format
/// directly, reading only the fields a test checks.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, ConcurrentBag<Span> spans, ConcurrentBag<string> metrics)
    {
        _app = app;
        Spans = spans;
        MetricNames = metrics;
    }

    public ConcurrentBag<Span> Spans { get; }

    /// <summary>The name of every metric received (once per export).</summary>
    public ConcurrentBag<string> MetricNames { get; }
    public Uri Url => new(SwitchyardServer.Addresses(_app).First());

    public sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var spans = new ConcurrentBag<Span>();
        var metrics = new ConcurrentBag<string>();
        var (app, _) = await StubHost.StartAsync(web =>
        {
            web.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var ms = new MemoryStream();
                await request.Body.CopyToAsync(ms);
                foreach (var span in Parse(ms.ToArray())) spans.Add(span);
                return Results.Ok();
            });
            web.MapPost("/v1/metrics", async (HttpRequest request) =>
            {
                using var ms = new MemoryStream();
                await request.Body.CopyToAsync(ms);
                foreach (var name in ParseMetricNames(ms.ToArray())) metrics.Add(name);
                return Results.Ok();
            });
        });
        return new OtlpReceiver(app, spans, metrics);
    }

    private static IEnumerable<Span> Parse(byte[] request)
    {
        foreach (var resourceSpans in Messages(request, 1))
            foreach (var scopeSpans in Messages(resourceSpans, 2))
                foreach (var span in Messages(scopeSpans, 2))
                {
                    string trace = "", id = "", parent = "", name = "";
                    var input = new CodedInputStream(span);
                    uint tag;
                    while ((tag = input.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(tag))
                        {
                            case 1: trace = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                            case 2: id = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                            case 4: parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                            case 5: name = input.ReadString(); break;
                            default: input.SkipLastField(); break;
                        }
                    }
                    yield return new Span(trace, id, parent, name);
                }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) → ResourceMetrics.scope_metrics(2) → ScopeMetrics.metrics(2)
    // → Metric.name(1).
    private static IEnumerable<string> ParseMetricNames(byte[] request) =>
        from resourceMetrics in Messages(request, 1)
        from scopeMetrics in Messages(resourceMetrics, 2)
        from metric in Messages(scopeMetrics, 2)
        from name in Strings(metric, 1)
        select name;

    private static IEnumerable<string> Strings(byte[] buffer, int field) =>
        Messages(buffer, field).Select(b => System.Text.Encoding.UTF8.GetString(b));

    private static List<byte[]> Messages(byte[] buffer, int field)
    {
        var list = new List<byte[]>();
        var input = new CodedInputStream(buffer);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                list.Add(input.ReadBytes().ToByteArray());
            else input.SkipLastField();
        }
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
