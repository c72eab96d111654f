using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk;
using Switchyard.Server;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A user app built with the C# SDK on its own loopback port, synced to a <see cref="TestServer"/>.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app) => _app = app;

    public static async Task<TestApp> StartAsync(TestServer server, string appId, Action<SwitchyardBuilder> functions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        functions(builder.Services.AddSwitchyard(o =>
        {
            o.AppId = appId;
            o.ServerUrl = server.Url;
        }));
        var app = builder.Build();
        app.MapSwitchyard();
        await app.StartAsync();
        var serveUrl = new Uri(new Uri(SwitchyardServer.Addresses(app).First()), "/api/switchyard");
        using var response = await server.Http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return new TestApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
