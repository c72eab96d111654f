using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk;

namespace Switchyard.Server.Tests.Workers;

/// <summary>An SDK app started in a role (or none), on its own loopback port.</summary>
public sealed class RoleApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RoleApp(WebApplication app, Uri serveUrl)
    {
        _app = app;
        ServeUrl = serveUrl;
    }

    public Uri ServeUrl { get; }

    /// <summary>Builds the app and maps the SDK endpoint, which is where a bad role fails.</summary>
    public static WebApplication Build(Uri serverUrl, string appId, string? role, Action<SwitchyardBuilder> functions, params string[] allowedRoles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var sdk = builder.Services.AddSwitchyard(o =>
        {
            o.AppId = appId;
            o.Role = role;
            o.ServerUrl = serverUrl;
            foreach (var r in allowedRoles) o.AllowedRoles.Add(r);
        });
        functions(sdk);
        var app = builder.Build();
        app.MapSwitchyard();
        return app;
    }

    public static async Task<RoleApp> StartAsync(Uri serverUrl, string appId, string? role, Action<SwitchyardBuilder> functions)
    {
        var app = Build(serverUrl, appId, role, functions);
        await app.StartAsync();
        var serveUrl = new Uri(new Uri(SwitchyardServer.Addresses(app).First()), "/api/switchyard");
        using var http = new HttpClient { BaseAddress = serverUrl };
        using var response = await http.PostAsJsonAsync("/v1/apps/sync", new { url = serveUrl.ToString() });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return new RoleApp(app, serveUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
