using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Compat.Tests.Infrastructure;
using Switchyard.Protocol.Signing;

namespace Switchyard.Compat.Tests;

/// <summary>The compatibility suite with signing on (server outside dev mode; the JS app in cloud mode with
/// <c>INNGEST_BASE_URL</c>, <c>INNGEST_SIGNING_KEY</c>, <c>INNGEST_EVENT_KEY</c>), plus checks that the app really
/// verifies what the server signs.</summary>
public sealed class SignedModeTests(SignedModeFixture fixture) : CompatTests(fixture), IClassFixture<SignedModeFixture>
{
    private static readonly string CallBody = """{"event":{"name":"compat/steps","data":{"name":"Eve"}},"steps":{},"ctx":{"run_id":"01COMPATPROBE","attempt":0,"max_attempts":1},"version":-1}""";

    private string CallUrl => $"{F.Js.ServeUrl}?fnId=compat-js-steps&stepId=step";

    [Fact]
    public async Task The_js_app_rejects_unsigned_and_wrongly_signed_calls()
    {
        using var http = new HttpClient();
        using var unsigned = await http.PostAsync(CallUrl, new StringContent(CallBody, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, CallUrl) { Content = new StringContent(CallBody, Encoding.UTF8, "application/json") };
        var otherKey = "signkey-test-" + new string('0', 64);
        request.Headers.Add("X-Inngest-Signature", RequestSignature.Create(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(CallBody)), otherKey, DateTimeOffset.UtcNow));
        using var wrong = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task The_js_app_accepts_a_call_signed_over_the_canonical_form_of_a_non_canonical_body()
    {
        // Key order, spacing and escapes differ from the canonical form that is signed.
        const string body = """{ "version": -1, "steps": { }, "ctx": { "max_attempts": 1, "attempt": 0, "run_id": "01COMPATPROBE" }, "event": { "data": { "name": "\u00c9ve" }, "name": "compat/steps" } }""";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CallUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Inngest-Signature", RequestSignature.Create(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(body)), SignedModeFixture.SigningKey, DateTimeOffset.UtcNow));
        using var response = await http.SendAsync(request);
        Assert.Equal((HttpStatusCode)206, response.StatusCode);
        var op = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Single()!;
        Assert.Equal("StepRun", (string?)op["op"]);
    }

    [Fact]
    public async Task A_signed_introspection_request_authenticates_with_the_js_app()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, F.Js.ServeUrl);
        request.Headers.Add("X-Inngest-Signature", RequestSignature.Create([], SignedModeFixture.SigningKey, DateTimeOffset.UtcNow));
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cloud", (string?)body["mode"]);
        Assert.True((bool?)body["authentication_succeeded"]);
    }

    [Fact]
    public async Task Events_need_the_event_key()
    {
        using var response = await F.Server.Http.PostAsync("/e/not-the-key", new StringContent("""{"name":"compat/steps","data":{}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
