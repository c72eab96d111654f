namespace Switchyard.Sdk.Tests;

[Collection(SdkHostCollection.Name)]
public sealed class ValidationTests(SdkHost host)
{
    [Fact]
    public async Task EventMatchingNoTriggerFailsTheRun()
    {
        var r = await host.CallAsync("one-step", eventName: "other/event");

        Assert.Equal(400, r.Status);
        Assert.Equal("true", r.Header("x-inngest-no-retry"));
        Assert.Equal("EventValidationError", (string?)r.Body!["name"]);
        Assert.Equal("Event not found in triggers: other/event", (string?)r.Body!["message"]);
    }

    [Fact]
    public async Task InvokedRunsAreAlwaysAccepted()
    {
        var r = await host.CallAsync("one-step", eventName: "inngest/function.invoked");
        Assert.Equal(206, r.Status);
    }

    [Fact]
    public async Task CronRunsAreAcceptedByCronFunctionsOnly()
    {
        var cron = await host.CallAsync("cron", eventName: "inngest/scheduled.timer");
        Assert.Equal(200, cron.Status);
        Assert.Equal("inngest/scheduled.timer", (string?)cron.Body!["tick"]);

        var notCron = await host.CallAsync("one-step", eventName: "inngest/scheduled.timer");
        Assert.Equal(400, notCron.Status);
    }

    [Fact]
    public async Task WildcardTriggersAcceptPrefixedEvents()
    {
        var r = await host.CallAsync("wildcard", eventName: "shop/order.created");
        Assert.Equal(200, r.Status);
        Assert.Equal("shop/order.created", (string?)r.Body);
    }
}
