using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Hosting;

/// <summary>The <c>GET</c> answer: a health check saying what this app serves.</summary>
internal static class Introspection
{
    public static JsonObject Describe(SwitchyardOptions options, int functionCount) => new()
    {
        ["extra"] = new JsonObject(),
        ["has_event_key"] = !string.IsNullOrEmpty(options.EventKey),
        ["has_signing_key"] = false,
        ["function_count"] = functionCount,
        ["mode"] = "dev",
        ["schema_version"] = SdkInfo.SchemaVersion,
        ["app_id"] = options.AppId,
        ["framework"] = SdkInfo.Framework,
        ["sdk_language"] = SdkInfo.Language,
        ["sdk_version"] = SdkInfo.Version,
        ["serve_path"] = options.ServePath,
    };
}
