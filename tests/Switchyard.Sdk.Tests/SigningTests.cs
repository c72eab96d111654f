using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Protocol.Signing;

namespace Switchyard.Sdk.Tests;

/// <summary>An app with a signing key (cloud mode): requests from the server must be signed as the Inngest SDKs
/// check them, and the app authenticates to the server with the key's hash.</summary>
public sealed class SigningTests : IAsyncLifetime
{
    private static readonly string Key = "signkey-test-" + string.Concat(Enumerable.Repeat("ab", 32));
    private static readonly string Fallback = "signkey-test-" + string.Concat(Enumerable.Repeat("cd", 32));
    private static readonly string Stranger = "signkey-test-" + string.Concat(Enumerable.Repeat("ef", 32));

    private readonly SdkHost _host = new(Key, Fallback, eventKey: "evt-key-1");

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    private static string CallBody(string eventName = "test/one") =>
        // Deliberately not canonical: key order, whitespace and escapes differ from what gets signed.
        $$"""
        { "version": 2, "steps": {}, "events": [], "ctx": { "run_id": "01RUN", "attempt": 0, "max_attempts": 4 },
          "event": { "name": "{{eventName}}", "data": { "name": "Ad\u00e9", "n": 1.0 }, "id": "01EVT", "ts": 1732650000000 } }
        """;

    private static Dictionary<string, string> Signed(string body, string key, DateTimeOffset? at = null) => new()
    {
        ["X-Inngest-Signature"] = RequestSignature.Create(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(body)), key, at ?? DateTimeOffset.UtcNow),
    };

    private string CallUrl => CallUrlOf(_host);

    private static string CallUrlOf(SdkHost host) => $"{host.ServeUrl}?fnId={SdkHost.AppId}-one-step&stepId=step";

    [Fact]
    public async Task The_five_minute_window_is_judged_on_the_apps_clock()
    {
        // Years away from the wall clock, so only the app's own clock can make these signatures current.
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var host = new SdkHost(Key, time: clock);
        await host.InitializeAsync();
        try
        {
            var body = CallBody();
            Assert.Equal(206, (await host.SendAsync(HttpMethod.Post, CallUrlOf(host), body, Signed(body, Key, clock.GetUtcNow().AddMinutes(-4)))).Status);
            Assert.Equal(401, (await host.SendAsync(HttpMethod.Post, CallUrlOf(host), body, Signed(body, Key, clock.GetUtcNow().AddMinutes(-6)))).Status);
            Assert.Equal(401, (await host.SendAsync(HttpMethod.Post, CallUrlOf(host), body, Signed(body, Key, DateTimeOffset.UtcNow))).Status);

            // A request captured now is refused once the clock has moved past the window: replay protection.
            var captured = Signed(body, Key, clock.GetUtcNow());
            Assert.Equal(206, (await host.SendAsync(HttpMethod.Post, CallUrlOf(host), body, captured)).Status);
            clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(2));
            Assert.Equal(401, (await host.SendAsync(HttpMethod.Post, CallUrlOf(host), body, captured)).Status);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_call_signed_over_the_canonical_body_runs()
    {
        var body = CallBody();
        var r = await _host.SendAsync(HttpMethod.Post, CallUrl, body, Signed(body, Key));
        Assert.Equal(206, r.Status);
        Assert.Equal("StepRun", (string?)r.Op["op"]);
    }

    [Fact]
    public async Task A_call_signed_with_the_fallback_key_runs()
    {
        var body = CallBody();
        var r = await _host.SendAsync(HttpMethod.Post, CallUrl, body, Signed(body, Fallback));
        Assert.Equal(206, r.Status);
    }

    [Fact]
    public async Task Unsigned_badly_signed_and_stale_calls_get_401_without_sdk_headers()
    {
        var body = CallBody();
        var attempts = new[]
        {
            new Dictionary<string, string>(),
            Signed(body, Stranger),
            Signed(body, Key, DateTimeOffset.UtcNow.AddMinutes(-6)),
            Signed(body.Replace("Ad\\u00e9", "Eve", StringComparison.Ordinal), Key),
            new Dictionary<string, string> { ["X-Inngest-Signature"] = "t=1&s=" + RequestSignature.Create(Encoding.UTF8.GetBytes(body), Key, DateTimeOffset.UtcNow)[^64..] },
        };
        foreach (var headers in attempts)
        {
            var r = await _host.SendAsync(HttpMethod.Post, CallUrl, body, headers);
            Assert.Equal(401, r.Status);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Unauthorized"}"""), r.Body));
            Assert.Null(r.Header("x-inngest-sdk"));
        }
    }

    [Fact]
    public async Task A_signature_over_the_raw_bytes_instead_of_the_canonical_form_is_rejected()
    {
        var body = CallBody();
        var raw = new Dictionary<string, string> { ["X-Inngest-Signature"] = RequestSignature.Create(Encoding.UTF8.GetBytes(body), Key, DateTimeOffset.UtcNow) };
        Assert.Equal(401, (await _host.SendAsync(HttpMethod.Post, CallUrl, body, raw)).Status);
    }

    [Fact]
    public async Task Get_needs_a_signature_over_the_empty_body_and_then_reports_cloud_mode()
    {
        Assert.Equal(401, (await _host.SendAsync(HttpMethod.Get, _host.ServeUrl.ToString(), null)).Status);

        var r = await _host.SendAsync(HttpMethod.Get, _host.ServeUrl.ToString(), null, new Dictionary<string, string>
        {
            ["X-Inngest-Signature"] = RequestSignature.Create([], Key, DateTimeOffset.UtcNow),
        });
        Assert.Equal(200, r.Status);
        Assert.Equal("cloud", (string?)r.Body!["mode"]);
        Assert.True((bool?)r.Body["has_signing_key"]);
        Assert.True((bool?)r.Body["has_event_key"]);
        Assert.True((bool?)r.Body["authentication_succeeded"]);
        Assert.Equal(SigningKey.Secret(SigningKey.Hash(Key))[..12], (string?)r.Body["signing_key_hash"]);
    }

    [Fact]
    public async Task An_unsigned_out_of_band_sync_registers_with_the_hashed_key_as_bearer()
    {
        _host.Registrations.Clear();
        var r = await _host.SendAsync(HttpMethod.Put, _host.ServeUrl.ToString(), null);
        Assert.Equal(200, r.Status);
        var (_, headers, _) = Assert.Single(_host.Registrations);
        Assert.Equal("Bearer " + SigningKey.Hash(Key), headers.Authorization.ToString());
        Assert.DoesNotContain(SigningKey.Secret(Key), headers.Authorization.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_registration_is_retried_once_with_the_fallback_key()
    {
        _host.Registrations.Clear();
        _host.RegisterReply = (401, """{"status":401,"error":"unauthorized"}""");
        var r = await _host.SendAsync(HttpMethod.Put, _host.ServeUrl.ToString(), null);
        Assert.Equal(401, r.Status);
        Assert.Equal(["Bearer " + SigningKey.Hash(Key), "Bearer " + SigningKey.Hash(Fallback)],
            _host.Registrations.Select(x => x.Headers.Authorization.ToString()).ToArray());
    }

    [Fact]
    public async Task An_in_band_sync_request_must_be_signed()
    {
        const string body = """{"url":"http://app.test/api/switchyard"}""";
        var inBand = new Dictionary<string, string> { ["x-inngest-sync-kind"] = "in_band" };
        Assert.Equal(401, (await _host.SendAsync(HttpMethod.Put, _host.ServeUrl.ToString(), body, inBand)).Status);

        var signed = Signed(body, Key);
        signed["x-inngest-sync-kind"] = "in_band";
        Assert.Equal(200, (await _host.SendAsync(HttpMethod.Put, _host.ServeUrl.ToString(), body, signed)).Status);
    }

    [Fact]
    public async Task Events_are_sent_with_the_event_key()
    {
        var body = CallBody();
        const string sendHash = "5cebd8c5d37b62f215b8c2df6df03b6d391aabda";
        var r = await _host.SendAsync(HttpMethod.Post, $"{_host.ServeUrl}?fnId={SdkHost.AppId}-send&stepId={sendHash}", body, Signed(body, Key));
        Assert.Equal(206, r.Status);
        Assert.Contains(_host.SentEvents, e => e.Key == "evt-key-1");
    }
}
