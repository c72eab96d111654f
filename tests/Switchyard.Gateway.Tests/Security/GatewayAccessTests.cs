using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;
using Switchyard.Gateway.Tests.Infrastructure;

namespace Switchyard.Gateway.Tests.Security;

/// <summary>Issue 21, finding 3: the gateway's stream republishes the whole bus and its control routes change what
/// people receive, so they need the control token; without one the gateway serves this host only, and refuses web
/// pages (cross-site and DNS-rebinding requests).</summary>
public sealed class GatewayAccessTests
{
    private const string Token = "control-token-0123456789";

    /// <summary>Gateway routes that do not take the control token, and why.</summary>
    private static readonly Dictionary<string, string> Public = new(StringComparer.Ordinal)
    {
        ["GET /health"] = "liveness and channel health for `yard gateway status` and probes; no event data",
        ["GET /api/switchyard"] = "the SDK endpoint (every method): the server's calls are checked against the signing key",
        ["POST /slack/{channel}/events"] = "guarded by the channel's Slack signing secret",
        ["POST /slack/{channel}/interactions"] = "guarded by the channel's Slack signing secret",
    };

    [Fact]
    public async Task Outside_dev_a_gateway_reachable_from_other_hosts_refuses_to_start_without_a_control_token()
    {
        var open = GatewayConfigLoader.Parse("""
            [gateway]
            host = "0.0.0.0"
            port = 0
            state = "memory"
            """, TempDir.Create(), environment: new Dictionary<string, string>());
        var error = Assert.Throws<InvalidDataException>(() => GatewayApp.Build(open));
        Assert.Contains("control_token", error.Message, StringComparison.Ordinal);
        Assert.Contains("gateway.host", error.Message, StringComparison.Ordinal);
        // The SDK endpoint takes the server's calls (which deliver notifications): unsigned, anyone on the network could
        // make the gateway post to every channel, so the signing key is required there too.
        var unsigned = Assert.Throws<InvalidDataException>(() => GatewayApp.Build(open with { ControlToken = Token }));
        Assert.Contains("signing_key", unsigned.Message, StringComparison.Ordinal);
        // With both, or in dev mode, the same host is allowed.
        await GatewayApp.Build(open with { ControlToken = Token, SigningKey = "signkey-gateway-0123456789" }).DisposeAsync();
        await GatewayApp.Build(open with { Dev = true }).DisposeAsync();
    }

    [Fact]
    public async Task Every_control_route_and_the_stream_need_the_control_token()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, """
            [channels.ops]
            type = "file"
            """, $"control_token = \"{Token}\"");
        var routes = EndpointRoutes.List(gateway.Services);
        Assert.Contains("GET /stream", routes);
        Assert.Contains("POST /sleep", routes);
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            var path = Regex.Replace(pattern, "{[^}]+}", m => m.Value == "{name}" ? "ops" : "x");
            var none = await SendAsync(gateway, method, path, null);
            var wrong = await SendAsync(gateway, method, path, Token + "x");
            var right = await SendAsync(gateway, method, path, Token);
            foreach (var (who, status) in new[] { ("no token", none), ("wrong token", wrong), ("control token", right) })
                if ((int)status >= 500) failures.Add($"{route} with {who}: {(int)status}");
            if (Public.ContainsKey(route)) continue;
            if (none != HttpStatusCode.Unauthorized) failures.Add($"{route} without a token: {(int)none}");
            if (wrong != HttpStatusCode.Unauthorized) failures.Add($"{route} with a wrong token: {(int)wrong}");
            if (right is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) failures.Add($"{route} with the control token: {(int)right}");
        }
        Assert.Equal([], failures);
        Assert.Equal([], Public.Keys.Except(routes).ToList());

        // A real WebSocket client: refused without the token (and with a wrong one), served with it.
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(gateway, ("Authorization", null)));
        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(gateway, ("Authorization", "Bearer " + Token[..^1])));
        await using var client = await StreamListener.ConnectAsync(gateway, "topic=events", Token);
    }

    [Fact]
    public async Task Without_a_control_token_web_pages_cannot_reach_the_stream_or_the_control_routes()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, "");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(gateway, ("Origin", "http://evil.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeAsync(gateway, ("Host", "evil.example:3018")));
        using var sleep = new HttpRequestMessage(HttpMethod.Post, "/sleep") { Content = new StringContent("""{"for":"8h"}""", Encoding.UTF8, "application/json") };
        sleep.Headers.Add("Origin", "https://evil.example");
        using var refused = await gateway.Http.SendAsync(sleep);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("origin", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.False((await gateway.HealthAsync())["sleep"]!["sleeping"]!.GetValue<bool>());
        // Local tools (no Origin, a loopback Host) still work.
        await using var local = await StreamListener.ConnectAsync(gateway, "topic=gateway");
        Assert.Equal(HttpStatusCode.OK, await HandshakeAsync(gateway, ("Origin", $"http://127.0.0.1:{gateway.Url.Port}")));
    }

    [Fact]
    public async Task The_number_of_stream_clients_is_limited_with_a_clear_refusal()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, "", "max_stream_clients = 2");
        await using var one = await StreamListener.ConnectAsync(gateway, "topic=gateway");
        await using var two = await StreamListener.ConnectAsync(gateway, "topic=gateway");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HandshakeAsync(gateway));
        using var refused = await gateway.Http.GetAsync("/stream?topic=gateway");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("too_many_stream_clients", body, StringComparison.Ordinal);
        Assert.Contains("max_stream_clients", body, StringComparison.Ordinal);
        await one.DisposeAsync();
        await Eventually.TrueAsync(async () => await ClientsAsync(gateway) == 1, "the closed client to be gone");
        await using var three = await StreamListener.ConnectAsync(gateway, "topic=gateway");
    }

    [Fact]
    public async Task Malformed_stream_messages_get_an_error_and_the_stream_stays_up()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, "");
        await using var client = await StreamListener.ConnectAsync(gateway, "topic=gateway");
        string[] bad =
        [
            "not json", "[1,2]", "42", "null", "\"op\"", """{"op":5}""", """{"op":null}""", """{"op":{"x":1}}""",
            """{"op":"subscribe","topics":"gateway"}""", """{"op":"subscribe","topics":[1]}""", """{"op":"subscribe","topics":[null]}""",
            """{"op":"subscribe","topics":[{"a":1}]}""", """{"op":"subscribe","topics":["*"],"op":"ping"}""",
            new string('[', 5000) + new string(']', 5000), """{"op":"subscribe","topics":["session:\u0000"]}""",
            "{\"op\":\"subscribe\",\"topics\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"session:s{i}\"")) + "]}",
        ];
        foreach (var text in bad)
        {
            await client.SendAsync(text);
            var answer = await client.NextAsync(m => m["type"]!.GetValue<string>() is "error" or "subscribed" or "pong");
            Assert.True(answer["type"]!.GetValue<string>() == "error", $"{text[..Math.Min(80, text.Length)]}: {answer.ToJsonString()}");
        }
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"op":"ping"}"""), WebSocketMessageType.Binary);
        Assert.Contains("binary", (await client.NextAsync(m => m["type"]!.GetValue<string>() == "error"))["data"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await client.SendAsync("""{"op":"ping"}""");
        await client.NextAsync(m => m["type"]!.GetValue<string>() == "pong");
        Assert.Equal(1, await ClientsAsync(gateway));

        // A frame over the limit closes the stream with a reason, not a silent drop.
        await client.SendRawAsync(Encoding.UTF8.GetBytes("{\"op\":\"ping\",\"pad\":\"" + new string('x', 200_000) + "\"}"), WebSocketMessageType.Text);
        await client.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.Close.Status);
        Assert.Contains("64 KiB", client.Close.Reason, StringComparison.Ordinal);

        // Invalid UTF-8 in a text frame: the WebSocket closes with InvalidPayloadData; the gateway serves on.
        await using var other = await StreamListener.ConnectAsync(gateway, "topic=gateway");
        await other.SendRawAsync([0xC3, 0x28, 0xFF, (byte)'{'], WebSocketMessageType.Text);
        await other.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, other.Close.Status);
        await Eventually.TrueAsync(async () => await ClientsAsync(gateway) == 0, "the closed client to be gone");
    }

    private static async Task<int> ClientsAsync(GatewayHost gateway) => (await gateway.HealthAsync())["streamClients"]!.GetValue<int>();

    private static async Task<HttpStatusCode> SendAsync(GatewayHost gateway, string method, string path, string? bearer)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is not ("GET" or "HEAD" or "DELETE")) request.Content = new StringContent("""{"for":"1m"}""", Encoding.UTF8, "application/json");
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>Opens <c>/stream</c> with extra headers (a null value leaves it out) and returns the handshake's status:
    /// 200 for a served WebSocket (101), else the refusal.</summary>
    private static async Task<HttpStatusCode> HandshakeAsync(GatewayHost gateway, params (string Name, string? Value)[] headers)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers)
            if (value is not null) socket.Options.SetRequestHeader(name, value);
        var url = new UriBuilder(gateway.Url) { Scheme = "ws", Path = "/stream", Query = "topic=gateway" }.Uri;
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            return HttpStatusCode.OK;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }
}
