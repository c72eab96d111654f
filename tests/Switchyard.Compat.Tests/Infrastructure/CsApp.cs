using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Sdk;
using Switchyard.Server;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>An app built with the C# SDK on its own loopback port (as in the server tests' TestApp).</summary>
public sealed class CsApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CsApp(WebApplication app, Uri serveUrl)
    {
        _app = app;
        ServeUrl = serveUrl;
    }

    public Uri ServeUrl { get; }

    public static async Task<CsApp> StartAsync(string appId, Action<SwitchyardOptions> configure, Action<SwitchyardBuilder> functions)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var sdk = builder.Services.AddSwitchyard(o =>
        {
            o.AppId = appId;
            configure(o);
        });
        functions(sdk);
        var app = builder.Build();
        app.MapSwitchyard();
        await app.StartAsync();
        var baseUrl = new Uri(SwitchyardServer.Addresses(app).First());
        return new CsApp(app, new Uri(baseUrl, "/api/switchyard"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
