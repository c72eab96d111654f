using Switchyard.Sdk;
using Switchyard.Configuration;

namespace Switchyard.Compat.Tests.Infrastructure;

/// <summary>Dev mode: the server accepts any event key and signs nothing; the JS app gets <c>INNGEST_DEV=&lt;url&gt;</c>
/// and checks nothing.</summary>
public sealed class DevModeFixture : CompatFixture
{
    protected override void ConfigureServer(ServerOptions options) => options.Dev = true;

    protected override IReadOnlyDictionary<string, string> JsEnvironment(Uri serverUrl) =>
        new Dictionary<string, string> { ["INNGEST_DEV"] = serverUrl.ToString().TrimEnd('/') };

    protected override void ConfigureCsApp(SwitchyardOptions options, Uri serverUrl)
    {
        options.ServerUrl = serverUrl;
        options.SigningKey = "";
        options.EventKey = "";
    }
}
