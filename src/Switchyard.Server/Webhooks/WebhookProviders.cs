using Microsoft.Extensions.Logging;

namespace Switchyard.Server.Webhooks;

/// <summary>The providers by name, built once from every registered <see cref="IWebhookProvider"/>; a later
/// registration of a name replaces an earlier one.</summary>
public sealed class WebhookProviders
{
    private readonly Dictionary<string, IWebhookProvider> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Indexes <paramref name="providers"/>, skipping names that cannot be a path segment.</summary>
    public WebhookProviders(IEnumerable<IWebhookProvider> providers, ILogger<WebhookProviders> logger)
    {
        foreach (var provider in providers)
        {
            if (!IsValidName(provider.Name))
            {
                logger.LogWarning("webhook provider {Type} ignored: name '{Name}' must be lower-case letters, digits, '-' or '_'", provider.GetType().Name, provider.Name);
                continue;
            }
            _byName[provider.Name] = provider;
        }
    }

    /// <summary>Every provider, by name.</summary>
    public IReadOnlyList<IWebhookProvider> All => [.. _byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The provider named <paramref name="name"/> (any case), or null.</summary>
    public IWebhookProvider? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>What kind of provider it is: <c>built-in</c>, <c>config</c> or <c>custom</c>.</summary>
    public static string KindOf(IWebhookProvider provider) => provider switch
    {
        GenericWebhookProvider => "config",
        _ when provider.GetType().Assembly == typeof(WebhookProviders).Assembly => "built-in",
        _ => "custom",
    };

    private static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
