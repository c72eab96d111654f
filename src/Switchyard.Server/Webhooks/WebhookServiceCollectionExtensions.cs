using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Configuration;

namespace Switchyard.Server.Webhooks;

/// <summary>Registers webhook ingress: options, the built-in providers, the providers declared in configuration,
/// verification, telemetry and subscriptions.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Adds webhook services for <paramref name="options"/>. Register your own <see cref="IWebhookProvider"/>
    /// singletons after this call.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, WebhookOptions options)
    {
        services.TryAddSingleton(options);
        services.AddSingleton<IWebhookProvider, GithubWebhookProvider>();
        services.AddSingleton<IWebhookProvider, StripeWebhookProvider>();
        services.AddSingleton<IWebhookProvider, SlackWebhookProvider>();
        foreach (var (name, generic) in options.Providers)
            services.AddSingleton<IWebhookProvider>(new GenericWebhookProvider(name, generic, options.TimestampTolerance));
        services.TryAddSingleton<WebhookProviders>();
        services.TryAddSingleton<WebhookFailureLimiter>();
        services.TryAddSingleton<WebhookTelemetry>();
        services.TryAddSingleton<WebhookDeliveryFeed>();
        services.TryAddSingleton<WebhookSubscriptions>();
        return services;
    }
}
