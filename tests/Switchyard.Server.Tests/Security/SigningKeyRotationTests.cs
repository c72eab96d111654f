using System.Net;

namespace Switchyard.Server.Tests.Security;

/// <summary>Signing-key rotation: the server's <c>signing_key_fallback</c> (the previous key) is still accepted from an
/// app that registers with it, while a key the server does not know is refused.</summary>
public sealed class SigningKeyRotationTests
{
    private static readonly string NewKey = "signkey-test-" + new string('b', 64);
    private static readonly string OldKey = "signkey-test-" + new string('a', 64);
    private static readonly string OtherKey = "signkey-test-" + new string('c', 64);

    [Fact]
    public async Task An_app_still_on_the_previous_key_registers_while_an_unknown_key_is_refused()
    {
        await using var server = await Hostile.ProductionAsync(o => { o.SigningKey = NewKey; o.SigningKeyFallback = OldKey; });
        server.UseApiToken();
        // The app has not rotated yet: it registers with the old key only (no fallback of its own to retry with).
        await using var app = await TestApp.StartAsync("rotating", o =>
        {
            o.ServerUrl = server.Url; o.EventKey = "event-key"; o.SigningKey = OldKey;
        }, sdk => sdk.AddFunction<OneStepFunction>());
        await using var stranger = await TestApp.StartAsync("stranger", o =>
        {
            o.ServerUrl = server.Url; o.EventKey = "event-key"; o.SigningKey = OtherKey;
        }, sdk => sdk.AddFunction<OneStepFunction>());

        using var http = new HttpClient();
        using (var sync = await http.PutAsync(app.ServeUrl, null))
            Assert.True(sync.IsSuccessStatusCode, await sync.Content.ReadAsStringAsync());
        using (var refused = await http.PutAsync(stranger.ServeUrl, null))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var apps = (await server.GetAsync("/v1/apps"))["apps"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["rotating"], apps);
    }
}

internal sealed class OneStepFunction : Switchyard.Sdk.SwitchyardFunction<System.Text.Json.Nodes.JsonObject>
{
    public override void Configure(Switchyard.Sdk.FunctionBuilder f) => f.Id("one-step").OnEvent("rot/go");

    public override async Task<object?> RunAsync(Switchyard.Sdk.FunctionContext<System.Text.Json.Nodes.JsonObject> ctx) =>
        await ctx.Step.RunAsync("only", () => "done");
}
