using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>A real app built with the C# SDK, on its own loopback port, synced to a <see cref="TestServer"/>.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri serveUrl)
    {
        _app = app;
        ServeUrl = serveUrl;
    }

    public Uri ServeUrl { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<TestApp> StartAsync(TestServer server, string appId, Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null) =>
        StartAsync(server.Url, appId, functions, services);

    public static async Task<TestApp> StartAsync(Uri serverUrl, string appId, Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null, int port = 0, bool sync = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var sdk = builder.Services.AddSwitchyard(o =>
        {
            o.AppId = appId;
            o.ServerUrl = serverUrl;
        });
        functions(sdk);
        var app = builder.Build();
        app.MapSwitchyard();
        await app.StartAsync();
        var baseUrl = SwitchyardServer.Addresses(app).First();
        var serveUrl = new Uri(new Uri(baseUrl), "/api/switchyard");
        if (sync)
        {
            using var http = new HttpClient { BaseAddress = serverUrl };
            using var response = await http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        return new TestApp(app, serveUrl);
    }

    /// <summary>Stops without waiting for in-flight calls: their connections are cut, as when a process dies.</summary>
    public async Task KillAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
