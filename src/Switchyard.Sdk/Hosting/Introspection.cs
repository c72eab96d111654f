using System.Text.Json.Nodes;
using Switchyard.Protocol.Signing;

namespace Switchyard.Sdk.Hosting;

/// <summary>The <c>GET</c> answer: a health check saying what this app serves. In cloud mode (a signing key set)
/// only a signed <c>GET</c> gets here, so it also confirms that the server's key matches.</summary>
internal static class Introspection
{
    public static JsonObject Describe(SwitchyardOptions options, int functionCount)
    {
        var cloud = !string.IsNullOrEmpty(options.SigningKey);
        var answer = new JsonObject
        {
            ["extra"] = new JsonObject(),
            ["has_event_key"] = !string.IsNullOrEmpty(options.EventKey),
            ["has_signing_key"] = cloud,
            ["function_count"] = functionCount,
            ["mode"] = cloud ? "cloud" : "dev",
            ["schema_version"] = SdkInfo.SchemaVersion,
            ["app_id"] = options.RegisteredAppId,
            ["framework"] = SdkInfo.Framework,
            ["sdk_language"] = SdkInfo.Language,
            ["sdk_version"] = SdkInfo.Version,
            ["serve_path"] = options.ServePath,
        };
        if (!string.IsNullOrEmpty(options.Role)) answer["role"] = options.Role;
        if (cloud)
        {
            answer["authentication_succeeded"] = true;
            // Truncated as the JS SDK does: enough to compare keys, too little to be a credential.
            answer["signing_key_hash"] = Truncated(SigningKey.Hash(options.SigningKey!));
            answer["signing_key_fallback_hash"] = string.IsNullOrEmpty(options.SigningKeyFallback) ? null : Truncated(SigningKey.Hash(options.SigningKeyFallback));
        }
        return answer;
    }

    private static string Truncated(string hashedKey) => SigningKey.Secret(hashedKey)[..12];
}
