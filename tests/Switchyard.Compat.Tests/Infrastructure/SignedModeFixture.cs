using Switchyard.Sdk;
using Switchyard.Configuration;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>Production mode with signing: the server requires event keys, an API token and the signing key (or its
/// hash) on registration, and signs every request to apps; the JS app runs in cloud mode with
/// <c>INNGEST_BASE_URL</c>, <c>INNGEST_SIGNING_KEY</c> and <c>INNGEST_EVENT_KEY</c>, and rejects unsigned calls.</summary>
public sealed class SignedModeFixture : CompatFixture
{
    public const string SigningKey = "signkey-test-7d0c2e5f4b8a9c1d3e6f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d";
    public const string EventKey = "compat-event-key-3f9a1c";
    public const string ApiToken = "compat-api-token-5e2b7d";

    protected override void ConfigureServer(ServerOptions options)
    {
        options.Dev = false;
        options.SigningKey = SigningKey;
        options.EventKeys = EventKey;
        options.ApiToken = ApiToken;
    }

    protected override IReadOnlyDictionary<string, string> JsEnvironment(Uri serverUrl) => new Dictionary<string, string>
    {
        ["INNGEST_BASE_URL"] = serverUrl.ToString().TrimEnd('/'),
        ["INNGEST_SIGNING_KEY"] = SigningKey,
        ["INNGEST_EVENT_KEY"] = EventKey,
    };

    protected override void ConfigureCsApp(SwitchyardOptions options, Uri serverUrl)
    {
        options.ServerUrl = serverUrl;
        options.SigningKey = SigningKey;
        options.EventKey = EventKey;
    }
}
