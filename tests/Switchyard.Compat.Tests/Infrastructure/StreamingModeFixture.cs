using Switchyard.Sdk;
using Switchyard.Configuration;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>Dev mode with the JS app's opt-in streaming (<c>INNGEST_STREAMING=true</c>): every call is answered
/// <c>201</c> at once, with heartbeats, and the real answer comes wrapped in a JSON envelope at the end.</summary>
public sealed class StreamingModeFixture : CompatFixture
{
    protected override void ConfigureServer(ServerOptions options) => options.Dev = true;

    protected override IReadOnlyDictionary<string, string> JsEnvironment(Uri serverUrl) => new Dictionary<string, string>
    {
        ["INNGEST_DEV"] = serverUrl.ToString().TrimEnd('/'),
        ["INNGEST_STREAMING"] = "true",
    };

    protected override void ConfigureCsApp(SwitchyardOptions options, Uri serverUrl)
    {
        options.ServerUrl = serverUrl;
        options.SigningKey = "";
        options.EventKey = "";
    }
}
