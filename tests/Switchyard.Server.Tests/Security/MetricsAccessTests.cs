using System.Net;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21: <c>/metrics</c> was public in production. It names functions, apps and event rates, so outside
/// dev mode it takes the API token (Prometheus sends it as <c>bearer_token</c>); <c>metrics_open</c> opens it.</summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Outside_dev_mode_metrics_need_the_api_token()
    {
        await using var server = await Hostile.ProductionAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Hostile.GetAsync(server.Http, "/metrics")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Hostile.GetAsync(server.Http, "/metrics", "wrong")).Status);
        var scrape = await Hostile.GetAsync(server.Http, "/metrics", Hostile.ApiToken);
        Assert.Equal(HttpStatusCode.OK, scrape.Status);
        Assert.Contains("# ", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_open_serves_scrapers_without_a_token()
    {
        await using var server = await Hostile.ProductionAsync(o => o.MetricsOpen = true);
        Assert.Equal(HttpStatusCode.OK, (await Hostile.GetAsync(server.Http, "/metrics")).Status);
    }
}
