using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.Engine.Registry;

/// <summary>With several replicas, an app may sync through any of them: each replica reloads its in-memory registry
/// every <see cref="Interval"/>, so a sync or a pause on one replica reaches the others within that bound.</summary>
public sealed class RegistryRefresh(FunctionRegistry registry, ILogger<RegistryRefresh> logger) : BackgroundService
{
    /// <summary>How stale another replica's view may get.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await registry.ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("registry refresh failed: {Error}", ex.Message);
            }
        }
    }
}
