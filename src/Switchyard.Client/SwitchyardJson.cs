using System.Text.Json;

namespace Switchyard.Client;

/// <summary>The JSON settings of the server's API: web defaults (camelCase names, case-insensitive reading), which
/// is also what ASP.NET Core answers with, so the records below read and write the same text on both sides.</summary>
public static class SwitchyardJson
{
    /// <summary>Shared, read-only options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
