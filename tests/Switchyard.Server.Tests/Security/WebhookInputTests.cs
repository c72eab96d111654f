using System.Text;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 5 over HTTP: a Stripe or Slack timestamp too large for the clock arithmetic is a 4xx
/// naming the header (it needs no credentials and used to log a stack trace each time), and a correctly signed
/// delivery gets the same JSON checks as every other write path.</summary>
public sealed class WebhookInputTests() : OnDevServer(o =>
{
    o.Webhooks.StripeSecret = Secret;
    o.Webhooks.SlackSecret = Secret;
})
{
    private const string Secret = "whsec_test_0123456789abcdef";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_huge","type":"invoice.paid"}""");

    [Theory]
    [InlineData("99999999999999999")]
    [InlineData("9223372036854775807")]
    public async Task A_huge_stripe_or_slack_timestamp_is_a_4xx_naming_the_header(string t)
    {
        var stripe = await Deliveries.PostAsync(Server.Http, "stripe", Body, ("Stripe-Signature", $"t={t},v1=00"));
        Hostile.RefusedNaming((stripe.Status, stripe.Text), "Stripe-Signature t");
        var slack = await Deliveries.PostAsync(Server.Http, "slack", Body, ("X-Slack-Request-Timestamp", t), ("X-Slack-Signature", "v0=00"));
        Hostile.RefusedNaming((slack.Status, slack.Text), "X-Slack-Request-Timestamp");
    }

    [Theory]
    [InlineData("""{"id":"evt_dup","id":"evt_dup2","type":"invoice.paid"}""", "'id'")]
    [InlineData("""{"id":"evt_deep","type":"invoice.paid","data":DEEP}""", "nested deeper")]
    public async Task A_signed_delivery_with_bad_json_is_a_4xx_naming_the_field(string json, string field)
    {
        var body = Encoding.UTF8.GetBytes(json.Replace("DEEP", Hostile.Nested(40), StringComparison.Ordinal));
        var t = Deliveries.UnixNow;
        var answer = await Deliveries.PostAsync(Server.Http, "stripe", body, ("Stripe-Signature", $"t={t},v1={Deliveries.StripeV1(Secret, t, body)}"));
        Hostile.RefusedNaming((answer.Status, answer.Text), field);
    }
}
