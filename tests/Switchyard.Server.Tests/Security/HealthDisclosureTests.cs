using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Security;

/// <summary>Finding 10: <c>/health</c> is public, so outside dev mode it shows the store's location (a file path, a
/// database host) only to a caller with the API token.</summary>
public sealed class HealthDisclosureTests
{
    [Fact]
    public async Task Health_hides_the_store_location_from_anonymous_callers_outside_dev_mode()
    {
        await using var server = await Hostile.ProductionAsync();
        var anonymous = JsonNode.Parse(await server.Http.GetStringAsync("/health"))!;
        Assert.Equal("sqlite", anonymous["store"]!["kind"]!.GetValue<string>());
        Assert.DoesNotContain(server.DataDir, anonymous.ToJsonString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Options.ApiToken);
        using var response = await server.Http.SendAsync(request);
        var trusted = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(server.DataDir, trusted["store"]!["location"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
