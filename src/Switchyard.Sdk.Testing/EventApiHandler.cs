using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Testing;

/// <summary>Stands in for the server's Event API (<c>POST /e/{key}</c>) behind the SDK's own
/// <see cref="SwitchyardClient"/>: the events a function sends (<c>SendEventAsync</c> steps, or the client) are
/// recorded by the host, which also offers them to waiting steps, and get ids as the server would give.</summary>
internal sealed class EventApiHandler(SwitchyardTestHost host) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath.StartsWith("/e/", StringComparison.Ordinal) != true || request.Content is null)
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":"the test host serves only the Event API"}""") };
        var body = JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var events = body switch
        {
            JsonArray a => a.OfType<JsonObject>().ToList(),
            JsonObject o => [o],
            _ => [],
        };
        var ids = events.Select(host.RecordSentEvent).ToArray();
        var answer = new JsonObject { ["ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()), ["status"] = 200 };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
