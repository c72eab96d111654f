using System.Net;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 1: outside dev mode telemetry ingest needs a token even when no telemetry token is set
/// (the API token then); <c>telemetry_open</c> opens it, and status warns while it is open.</summary>
public sealed class TelemetryAccessTests
{
    private const string Body = """{"source":"probe","component":"c","action":"forged.entry","metadata":{"eventId":"someone-elses"}}""";

    [Fact]
    public async Task Without_a_telemetry_token_ingest_takes_the_api_token_and_refuses_anonymous_callers()
    {
        await using var server = await Hostile.ProductionAsync();
        var anonymous = await Hostile.PostAsync(server.Http, "/observability/emit", Body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Hostile.PostAsync(server.Http, "/observability/emit", Body, "wrong")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Hostile.PostAsync(server.Http, "/observability/emit", Body, Hostile.ApiToken)).Status);
        var list = Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/otel/list?source=probe", Hostile.ApiToken), "/v1/otel/list");
        Assert.Single(list["events"]!.AsArray());
        var status = Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/status", Hostile.ApiToken), "/v1/status");
        Assert.DoesNotContain(status["components"]!.AsArray(), c => c!["component"]!.GetValue<string>() == "telemetry");
    }

    [Fact]
    public async Task Telemetry_open_accepts_anonymous_ingest_and_status_warns()
    {
        await using var server = await Hostile.ProductionAsync(o => o.TelemetryOpen = true);
        Assert.Equal(HttpStatusCode.OK, (await Hostile.PostAsync(server.Http, "/observability/emit", Body)).Status);
        var status = Hostile.Renders(await Hostile.GetAsync(server.Http, "/v1/status", Hostile.ApiToken), "/v1/status");
        var line = Assert.Single(status["components"]!.AsArray(), c => c!["component"]!.GetValue<string>() == "telemetry")!;
        Assert.Equal("degraded", line["status"]!.GetValue<string>());
        Assert.Contains("telemetry_open", line["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
