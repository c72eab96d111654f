using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using CsCheck;
using Switchyard.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchyard.Gateway.Tests.Security;

/// <summary>The gateway's part of the issue-21 fuzz suite: every gateway route (enumerated from its endpoint data
/// sources) gets hostile bodies, path segments, query strings and content types with the control token, and the
/// stream gets hostile messages. No 5xx, no dropped stream, and afterwards health and the stream still serve. The
/// gateway has a signing key, as in production: the SDK endpoint (<c>/api/switchyard</c>) then refuses unsigned callers
/// with 401. (A signed call it cannot parse gets the protocol's retryable 500, by design of the SDK protocol; only the
/// server holds the key to send one.)</summary>
public sealed partial class GatewayFuzzTests(ITestOutputHelper output)
{
    private const string Token = "control-token-fuzz";
    private const int RouteRequests = 150;
    private const int StreamMessages = 50;

    [Fact]
    public async Task Every_gateway_route_and_the_stream_take_hostile_input_without_a_5xx()
    {
        await using var server = await TestServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(server, """
            [channels.ops]
            type = "file"
            """, $"control_token = \"{Token}\"\nsigning_key = \"signkey-gateway-fuzz-0123456789\"");
        var routes = EndpointRoutes.List(gateway.Services).ToList();
        var random = new PCG(21, 20260522);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < RouteRequests; i++)
        {
            var route = routes[i % routes.Count];
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            var (what, make) = HostileInput.Body.Generate(random, null, out _);
            var segment = HostileInput.Segments[random.Next((uint)HostileInput.Segments.Length)];
            var path = Parameter().Replace(pattern, segment);
            if (method == "GET") path += HostileInput.Queries[random.Next((uint)HostileInput.Queries.Length)];
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            // The SDK endpoint takes every method: send it bodies too.
            if (method != "GET" || pattern == "/api/switchyard")
            {
                request.Method = method == "GET" ? HttpMethod.Post : request.Method;
                request.Content = new ByteArrayContent(make($"g{i}x"));
                if (HostileInput.ContentTypes[random.Next((uint)HostileInput.ContentTypes.Length)] is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode >= 500) failures.Add($"{request.Method} {path[..Math.Min(100, path.Length)]} ({route}) [{what}]: {(int)response.StatusCode}");
        }

        await using var client = await StreamListener.ConnectAsync(gateway, "topic=gateway", Token);
        for (var i = 0; i < StreamMessages; i++)
        {
            var (what, make) = HostileInput.Body.Generate(random, null, out _);
            var bytes = make($"s{i}x");
            if (bytes.Length > 60_000 || !IsUtf8(bytes)) continue; // over the frame limit or invalid UTF-8 close the stream by design (GatewayAccessTests)
            await client.SendRawAsync(bytes, i % 10 == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
            var answer = await client.NextAsync(m => m["type"]!.GetValue<string>() is "error" or "subscribed" or "pong");
            Assert.NotNull(answer);
        }
        await client.SendAsync("""{"op":"ping"}""");
        await client.NextAsync(m => m["type"]!.GetValue<string>() == "pong");
        output.WriteLine($"gateway fuzz: {RouteRequests} requests over {routes.Count} routes, {StreamMessages} stream messages; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.Equal([], failures);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/health")).StatusCode);
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    [GeneratedRegex("{[^}]+}")]
    private static partial Regex Parameter();
}
