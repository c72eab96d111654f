using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchyard.Sdk;

namespace Switchyard.Gateway.Hosting;

/// <summary>Registers the gateway's functions with the server once it listens, by sending its own serve endpoint the
/// sync <c>PUT</c> (which needs no API token), and keeps trying every few seconds while the server is unreachable.</summary>
public sealed class AppSyncer(IServer server, IOptions<SwitchyardOptions> sdk, IHttpClientFactory http, IHostApplicationLifetime lifetime, ILogger<AppSyncer> logger) : BackgroundService
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the first successful registration.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The serve endpoint's local URL.</summary>
    public Uri? ServeUrl { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null) return;
        ServeUrl = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)), sdk.Value.ServePath);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var response = await http.CreateClient(BusClient.HttpClientName).PutAsync(ServeUrl, null, stoppingToken);
                var body = await response.Content.ReadAsStringAsync(stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    logger.LogInformation("registered the gateway's functions with {Server}", sdk.Value.ServerUrl);
                    _synced.TrySetResult();
                    return;
                }
                logger.LogWarning("registration with {Server} failed: {Body}", sdk.Value.ServerUrl, body);
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning("registration failed: {Error}", ex.Message);
            }
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
        }
    }
}
