using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, findings 6 and 9: the API token is checked before a body is read, <c>/v1</c> bodies are capped,
/// slow bodies and connection floods are bounded, and dev mode refuses what a web page could send it.</summary>
public sealed class RequestGateTests
{
    [Fact]
    public async Task Unauthenticated_malformed_json_gets_401_not_400()
    {
        await using var server = await Hostile.ProductionAsync();
        foreach (var path in new[] { "/v1/apps/sync", "/v1/functions/f/invoke", "/v1/functions/f/replay", "/v1/webhooks/subscriptions" })
        {
            var answer = await Hostile.PostAsync(server.Http, path, "{\"url\":");
            Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{path}: {(int)answer.Status} {answer.Text}");
        }
    }

    [Fact]
    public async Task Unauthenticated_large_body_gets_401_not_413()
    {
        // 20 MiB is above Kestrel's own limit (16 MiB), which answered 413 before the token was looked at.
        await using var server = await Hostile.ProductionAsync();
        Assert.StartsWith("HTTP/1.1 401", await RawStatusLineAsync(server, "/v1/apps/sync", 20 * 1024 * 1024, "{\"url\":"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthenticated_request_is_answered_before_its_body_arrives()
    {
        // Announces 10 MB and sends a few bytes: an answer means the server did not wait for (or buffer) the body.
        await using var server = await Hostile.ProductionAsync();
        Assert.StartsWith("HTTP/1.1 401", await RawStatusLineAsync(server, "/v1/functions/f/invoke", 10_000_000, "{\"data\":"), StringComparison.Ordinal);
    }

    /// <summary>Sends the headers of a POST announcing <paramref name="contentLength"/> bytes and only
    /// <paramref name="start"/> of them, then reads the status line (within 5 s).</summary>
    private static async Task<string> RawStatusLineAsync(TestServer server, string path, long contentLength, string start)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Url.Host, server.Url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {server.Url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{start}"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task Authenticated_v1_bodies_are_capped_at_max_body_bytes()
    {
        await using var server = await Hostile.ProductionAsync(o => o.MaxBodyBytes = 64 * 1024);
        var body = "{\"data\":{\"pad\":\"" + new string('a', 200 * 1024) + "\"}}";
        var answer = await Hostile.PostAsync(server.Http, "/v1/functions/f/invoke", body, Hostile.ApiToken);
        Assert.True(answer.Status == HttpStatusCode.RequestEntityTooLarge, $"{(int)answer.Status} {answer.Text}");
        Assert.Contains("max_body_bytes", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "/v1/kv/gateway.x/k")]
    [InlineData("POST", "/v1/functions/f/invoke")]
    [InlineData("POST", "/v1/queue/family")]
    public async Task Authenticated_chunked_v1_bodies_are_capped_too(string method, string path)
    {
        // Without a Content-Length the cap is Kestrel's per-request limit, hit while the body is read.
        await using var server = await Hostile.ProductionAsync(o => o.MaxBodyBytes = 64 * 1024);
        var body = Encoding.UTF8.GetBytes("{\"value\":\"" + new string('a', 200 * 1024) + "\"}");
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Hostile.ApiToken);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // Our envelope, not Kestrel's empty answer to an exception the route let escape (logged as an app error).
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("body_too_large", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_the_framework_cannot_bind_gets_the_envelope_naming_the_parameter()
    {
        await using var server = await Hostile.ProductionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/functions/f/invoke") { Content = new StringContent("{\"data\": [1,", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Hostile.ApiToken);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_body", error["code"]!.GetValue<string>());
        Assert.Contains("request", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kestrel_limits_slow_bodies_and_connections()
    {
        await using var server = await TestServer.StartAsync(o => { o.MaxConnections = 123; o.MaxUpgradedConnections = 7; });
        var limits = server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Equal(4096, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(123, limits.MaxConcurrentConnections);
        Assert.Equal(7, limits.MaxConcurrentUpgradedConnections);
    }

    [Theory]
    [InlineData("/e/test", "text/plain")]
    [InlineData("/e/test", "application/x-www-form-urlencoded")]
    [InlineData("/v1/apps/sync", "text/plain")]
    [InlineData("/fn/register", "multipart/form-data; boundary=x")]
    public async Task Dev_mode_refuses_non_json_bodies_on_state_changing_routes(string path, string contentType)
    {
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{\"name\":\"x\",\"data\":{}}") };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty((await server.GetAsync("/v1/events"))["events"]!.AsArray());
    }

    [Fact]
    public async Task Dev_mode_still_takes_json()
    {
        await using var server = await TestServer.StartAsync();
        var ids = await server.SendAsync(new { name = "x", data = new { } });
        Assert.Single(ids);
    }

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("evil.example:8288", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1.nip.io", HttpStatusCode.BadRequest)]
    [InlineData("localhost:{port}", HttpStatusCode.OK)]
    [InlineData("[::1]:{port}", HttpStatusCode.OK)]
    [InlineData("127.0.0.1:{port}", HttpStatusCode.OK)]
    public async Task Dev_mode_takes_only_loopback_host_headers(string host, HttpStatusCode expected)
    {
        // A DNS-rebinding page reaches 127.0.0.1 under its own name, which arrives as the Host header.
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.Host = host.Replace("{port}", server.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK) Assert.Contains("invalid_host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost:3000", HttpStatusCode.OK)]
    public async Task Dev_mode_refuses_cross_site_origins(string origin, HttpStatusCode expected)
    {
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/e/test") { Content = new StringContent("{\"name\":\"x\",\"data\":{}}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Origin", origin);
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Dev_mode_with_an_api_token_refuses_to_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(o => o.ApiToken = "prod-token"));
        Assert.Contains("dev mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("SWITCHYARD_DEV", error.Message, StringComparison.Ordinal);
    }
}
