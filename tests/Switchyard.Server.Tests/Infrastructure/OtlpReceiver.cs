using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>A minimal OTLP/HTTP receiver on loopback: accepts <c>POST /v1/traces</c> (protobuf
/// ExportTraceServiceRequest) and keeps each span's ids, parent and name. Decoded with the protobuf wire format
/// directly, reading only the fields a test checks.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, ConcurrentBag<Span> spans)
    {
        _app = app;
        Spans = spans;
    }

    public ConcurrentBag<Span> Spans { get; }
    public Uri Url => new(SwitchyardServer.Addresses(_app).First());

    public sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var spans = new ConcurrentBag<Span>();
        var (app, _) = await StubHost.StartAsync(web =>
        {
            web.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var ms = new MemoryStream();
                await request.Body.CopyToAsync(ms);
                foreach (var span in Parse(ms.ToArray())) spans.Add(span);
                return Results.Ok();
            });
            web.MapPost("/v1/metrics", () => Results.Ok());
        });
        return new OtlpReceiver(app, spans);
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
