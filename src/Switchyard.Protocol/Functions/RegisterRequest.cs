using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Functions;

/// <summary>Body of <c>POST /fn/register</c>: an app announcing its full function set.</summary>
public sealed record RegisterRequest
{
    /// <summary>The app's serve URL.</summary>
    [JsonPropertyName("url")] public string Url { get; init; } = "";
    /// <summary>App id.</summary>
    [JsonPropertyName("appName")] public string AppName { get; init; } = "";
    /// <summary>Deploy type, usually <c>ping</c>.</summary>
    [JsonPropertyName("deployType")] public string? DeployType { get; init; }
    /// <summary>Framework the app is served from.</summary>
    [JsonPropertyName("framework")] public string? Framework { get; init; }
    /// <summary>SDK name and version, e.g. <c>js:v4.24.0</c> or <c>dotnet:v0.1.0</c>.</summary>
    [JsonPropertyName("sdk")] public string? Sdk { get; init; }
    /// <summary>Protocol version.</summary>
    [JsonPropertyName("v")] public string? V { get; init; }
    /// <summary>App version, when set by the app.</summary>
    [JsonPropertyName("appVersion")] public string? AppVersion { get; init; }
    /// <summary>Deploy id passed through from the sync PUT.</summary>
    [JsonPropertyName("deployId")] public string? DeployId { get; init; }
    /// <summary>Every function of the app.</summary>
    [JsonPropertyName("functions")] public IReadOnlyList<FunctionConfig> Functions { get; init; } = [];
    /// <summary>The role the app was started in (Switchyard extension; the C# SDK sends it with app id
    /// <c>&lt;app&gt;-&lt;role&gt;</c>). Absent for apps without a role.</summary>
    [JsonPropertyName("role")] public string? Role { get; init; }
    /// <summary>Capabilities the SDK declares.</summary>
    [JsonPropertyName("capabilities")] public JsonObject? Capabilities { get; init; }
}
