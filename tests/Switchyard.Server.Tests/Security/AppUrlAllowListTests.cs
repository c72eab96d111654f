using System.Net;
using Switchyard.Engine.Registry;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 4: the optional <c>app_urls_allowed</c> list limits which URLs syncs and registrations
/// may point the server at.</summary>
public sealed class AppUrlAllowListTests
{
    [Theory]
    [InlineData("https://apps.internal/", "https://apps.internal/api/inngest", true)]
    [InlineData("https://apps.internal/", "https://apps.internal.evil.example/api", false)]
    [InlineData("https://apps.internal", "https://apps.internal.evil.example/api", false)]
    [InlineData("http://127.0.0.1:3000/api", "http://127.0.0.1:3000/api/inngest", true)]
    [InlineData("127.0.0.1:3000", "http://127.0.0.1:3000/api/inngest", true)]
    [InlineData("127.0.0.1:3000", "http://127.0.0.1:3001/api/inngest", false)]
    [InlineData("app:*", "http://app:8080/", true)]
    [InlineData("app", "http://app/", true)]
    [InlineData("*.svc.cluster.local", "http://orders.shop.svc.cluster.local:80/x", true)]
    [InlineData("*.svc.cluster.local", "http://svc.cluster.local.evil/x", false)]
    [InlineData("[::1]:3000", "http://[::1]:3000/", true)]
    public void Patterns_match_prefixes_and_host_ports(string pattern, string url, bool allowed) =>
        Assert.Equal(allowed, AppUrlPolicy.Matches(pattern, new Uri(url)));

    [Fact]
    public async Task Sync_of_a_url_outside_the_list_is_refused_naming_the_setting()
    {
        await using var server = await Hostile.ProductionAsync(o => o.AppUrlsAllowed = "http://127.0.0.1:1/");
        var answer = await Hostile.PostAsync(server.Http, "/v1/apps/sync", "{\"url\":\"http://169.254.169.254/latest/meta-data/\"}", Hostile.ApiToken);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("app_urls_allowed", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_of_a_url_outside_the_list_is_refused_naming_the_setting()
    {
        await using var server = await TestServer.StartAsync(o => o.AppUrlsAllowed = "http://127.0.0.1:1/");
        var answer = await Hostile.PostAsync(server.Http, "/fn/register",
            "{\"appName\":\"a\",\"url\":\"http://10.1.2.3/api\",\"functions\":[]}");
        Hostile.RefusedNaming(answer, "app_urls_allowed");
    }

    [Fact]
    public void Wrong_tokens_of_any_length_are_compared_as_equal_length_digests()
    {
        // Finding 10: FixedTimeEquals over raw bytes returns early when lengths differ, timing the secret's length.
        Assert.Equal(32, Switchyard.Protocol.Signing.SecretEquality.Digest("").Length);
        Assert.Equal(32, Switchyard.Protocol.Signing.SecretEquality.Digest(new string('x', 500)).Length);
        Assert.True(Api.Credential.MatchesAny("api-token", ["other", "api-token"]));
        Assert.False(Api.Credential.MatchesAny("api-toke", ["api-token"]));
        Assert.False(Api.Credential.MatchesAny("", ["", "api-token"]));
    }
}
