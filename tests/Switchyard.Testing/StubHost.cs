using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Server;

namespace Switchyard.Testing;

/// <summary>A minimal web app on a free loopback port, for fake servers (chat platforms, OTLP collectors) that the
/// code under test calls out to.</summary>
public static class StubHost
{
    /// <summary>Builds an app, lets <paramref name="map"/> add its endpoints, starts it, and returns it with its URL.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(SwitchyardServer.Addresses(app).First()));
    }
}
