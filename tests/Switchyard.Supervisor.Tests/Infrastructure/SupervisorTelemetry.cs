using System.Text.Json.Nodes;

namespace Switchyard.Supervisor.Tests.Infrastructure;

/// <summary>What the supervisor reported to the bus server at <c>POST /observability/emit</c>.</summary>
public static class SupervisorTelemetry
{
    /// <summary>The stored telemetry of source <c>supervisor</c>, newest first.</summary>
    public static async Task<IReadOnlyList<JsonObject>> SupervisorEventsAsync(this TestServer server)
    {
        var body = JsonNode.Parse(await server.Http.GetStringAsync("/v1/otel/list?source=supervisor&count=500"))!;
        return body["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }
}
