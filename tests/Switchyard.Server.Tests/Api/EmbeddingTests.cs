using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;

namespace Switchyard.Server.Tests;

/// <summary>The bus hosted inside someone else's ASP.NET Core app, the way Hangfire is: two calls, and the app keeps its
/// own routes.</summary>
public sealed class EmbeddingTests
{
    [Fact]
    public async Task AddSwitchyardServer_and_MapSwitchyardServer_host_the_bus_beside_the_apps_own_routes()
    {
        var options = new ServerOptions { Dev = true, Port = 0, DataDir = TempDir.Create() };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSwitchyardServer(options);
        await using var app = builder.Build();
        app.MapGet("/my-own", () => "mine");
        app.MapSwitchyardServer();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal("mine", await http.GetStringAsync("/my-own"));
        using var sent = await http.PostAsJsonAsync("/e/any", new { name = "embedded/hello", data = new { n = 1 } });
        sent.EnsureSuccessStatusCode();
        var id = (await sent.Content.ReadFromJsonAsync<JsonObject>())!["ids"]![0]!.GetValue<string>();
        var stored = await http.GetFromJsonAsync<JsonObject>($"/v1/events/{id}");
        Assert.Equal("embedded/hello", stored!["event"]!["name"]!.GetValue<string>());
        var unknown = await http.GetAsync("/nowhere");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        await app.StopAsync();
    }
}
