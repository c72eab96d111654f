using System.Net;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>Outside dev mode, ingest takes the telemetry token (or the API token) and queries take the API token.</summary>
public sealed class TelemetrySecurityTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
    {
        o.Dev = false;
        o.EventKeys = "event-key";
        o.SigningKey = "signkey-test-0123456789abcdef";
        o.ApiToken = "api-token";
        o.TelemetryToken = "telemetry-token";
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly object Body = new { source = "sec", component = "c", action = "a" };

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("telemetry-toke")]
    public async Task Ingest_without_the_token_is_401_and_stores_nothing(string? bearer)
    {
        var (status, body) = await TelemetryClient.EmitAsync(_server.Http, Body, bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("SWITCHYARD_TELEMETRY_TOKEN", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, list) = await TelemetryClient.GetAsync(_server.Http, "/v1/otel/list?source=sec", "api-token");
        Assert.Empty(TelemetryClient.Events(list));
    }

    [Theory]
    [InlineData("telemetry-token")]
    [InlineData("api-token")]
    public async Task Ingest_with_the_telemetry_or_api_token_is_stored(string bearer)
    {
        var (status, _) = await TelemetryClient.EmitAsync(_server.Http, Body, bearer);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("/v1/otel/list")]
    [InlineData("/v1/otel/search?q=x")]
    [InlineData("/v1/otel/stats")]
    public async Task Queries_need_the_api_token(string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await TelemetryClient.GetAsync(_server.Http, path)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TelemetryClient.GetAsync(_server.Http, path, "telemetry-token")).Status);
        Assert.Equal(HttpStatusCode.OK, (await TelemetryClient.GetAsync(_server.Http, path, "api-token")).Status);
    }
}
