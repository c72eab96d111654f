using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Switchyard.Engine.Telemetry;

/// <summary>Registers the telemetry pipeline: ingest with sampling, the engine's sink, and retention.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Adds telemetry services.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TelemetrySampler>();
        services.TryAddSingleton<TelemetryIngest>();
        services.TryAddSingleton<TelemetrySink>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetrySink>());
        services.TryAddSingleton<TelemetryPruner>();
        return services;
    }
}
