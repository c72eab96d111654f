using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk;
using Switchyard.Server;

namespace Switchyard.Testing;

/// <summary>A real app built with the C# SDK: an ASP.NET Core app serving its functions at <c>/api/switchyard</c> on
/// its own loopback port, usually synced to a server.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri serveUrl)
    {
        _app = app;
        ServeUrl = serveUrl;
    }

    /// <summary>Where the app serves its functions.</summary>
    public Uri ServeUrl { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an app and syncs it to <paramref name="server"/>.</summary>
    public static Task<TestApp> StartAsync(TestServer server, string appId, Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null) =>
        StartAsync(server.Url, appId, functions, services);

    /// <summary>Starts an app that talks to the server at <paramref name="serverUrl"/>.</summary>
    /// <param name="serverUrl">The server the app sends to and, when <paramref name="sync"/>, is synced to.</param>
    /// <param name="appId">The app's id.</param>
    /// <param name="functions">Adds the app's functions.</param>
    /// <param name="services">Adds services the functions use.</param>
    /// <param name="port">A fixed port, for tests that restart an app where the server expects it (0: any).</param>
    /// <param name="sync">Whether to sync the app to the server once it listens.</param>
    /// <param name="configure">Changes further SDK options (role, allowed roles, keys).</param>
    public static async Task<TestApp> StartAsync(Uri serverUrl, string appId, Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null,
        int port = 0, bool sync = true, Action<SwitchyardOptions>? configure = null)
    {
        var app = Build(serverUrl, appId, functions, services, port, configure);
        await app.StartAsync();
        var serveUrl = ServeUrlOf(app);
        if (sync)
        {
            using var http = new HttpClient { BaseAddress = serverUrl };
            using var response = await http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        return new TestApp(app, serveUrl);
    }

    /// <summary>Starts an app configured entirely by <paramref name="configure"/> (server URL, keys), without syncing
    /// it: for tests where the server, not the app, decides when to sync.</summary>
    public static async Task<TestApp> StartAsync(string appId, Action<SwitchyardOptions> configure, Action<SwitchyardBuilder> functions)
    {
        var app = Build(null, appId, functions, null, 0, configure);
        await app.StartAsync();
        return new TestApp(app, ServeUrlOf(app));
    }

    /// <summary>Builds the app and maps the SDK endpoint without starting it: mapping is where a bad configuration
    /// (for instance an unknown role) fails, which tests assert on.</summary>
    public static WebApplication Build(Uri? serverUrl, string appId, Action<SwitchyardBuilder> functions, Action<IServiceCollection>? services = null,
        int port = 0, Action<SwitchyardOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var sdk = builder.Services.AddSwitchyard(o =>
        {
            o.AppId = appId;
            if (serverUrl is not null) o.ServerUrl = serverUrl;
            configure?.Invoke(o);
        });
        functions(sdk);
        var app = builder.Build();
        app.MapSwitchyard();
        return app;
    }

    private static Uri ServeUrlOf(WebApplication app) => new(new Uri(SwitchyardServer.Addresses(app).First()), "/api/switchyard");

    /// <summary>Stops without waiting for in-flight calls: their connections are cut, as when a process dies.</summary>
    public async Task KillAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    /// <summary>Stops the app.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
