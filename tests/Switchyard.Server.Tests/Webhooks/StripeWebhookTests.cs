using System.Net;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class StripeWebhookTests : IAsyncLifetime
{
    private const string Secret = "whsec_test_0123456789abcdef";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Webhooks.StripeSecret = Secret);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] Invoice(string id) => Deliveries.Json(new { id, @object = "event", type = "invoice.paid", data = new { @object = new { id = "in_1", amount_paid = 4200 } } });

    [Fact]
    public async Task A_header_with_two_v1_signatures_passes_when_the_second_is_right()
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");
        var body = Invoice(id);
        var t = Deliveries.UnixNow;
        var header = $"t={t},v1={Deliveries.StripeV1("whsec_old_rolled_secret", t, body)},v1={Deliveries.StripeV1(Secret, t, body)},v0=ignored";
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "stripe", body, ("Stripe-Signature", header));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, json!["ids"]![0]!.GetValue<string>());
        var stored = (await _server.GetAsync($"/v1/events/{id}"))["event"]!;
        Assert.Equal("stripe/invoice.paid", stored["name"]!.GetValue<string>());
        Assert.Equal(4200, stored["data"]!["data"]!["object"]!["amount_paid"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_timestamp_older_than_five_minutes_is_refused_even_when_correctly_signed()
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");
        var body = Invoice(id);
        var t = Deliveries.UnixNow - 400;
        var (status, json, _, _) = await Deliveries.PostAsync(_server.Http, "stripe", body, ("Stripe-Signature", $"t={t},v1={Deliveries.StripeV1(Secret, t, body)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("old", Deliveries.ErrorMessage(json), StringComparison.Ordinal);
        using var none = await _server.Http.GetAsync($"/v1/events/{id}");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task A_signature_over_another_timestamp_or_without_v1_is_refused()
    {
        var body = Invoice("evt_x");
        var t = Deliveries.UnixNow;
        var shifted = await Deliveries.PostAsync(_server.Http, "stripe", body, ("Stripe-Signature", $"t={t},v1={Deliveries.StripeV1(Secret, t - 1, body)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, shifted.Status);
        var noV1 = await Deliveries.PostAsync(_server.Http, "stripe", body, ("Stripe-Signature", $"t={t},v0={Deliveries.StripeV1(Secret, t, body)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, noV1.Status);
        Assert.Contains("v1=", Deliveries.ErrorMessage(noV1.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_event_is_stored_once()
    {
        var id = "evt_" + Guid.NewGuid().ToString("N");
        var body = Invoice(id);
        for (var i = 0; i < 2; i++)
        {
            var t = Deliveries.UnixNow;
            Assert.Equal(HttpStatusCode.OK, (await Deliveries.PostAsync(_server.Http, "stripe", body, ("Stripe-Signature", $"t={t},v1={Deliveries.StripeV1(Secret, t, body)}"))).Status);
        }
        var events = (await _server.GetAsync("/v1/events?prefix=stripe/&count=1000"))["events"]!.AsArray();
        Assert.Single(events, e => e!["id"]!.GetValue<string>() == id);
    }
}
