using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Dashboard;

/// <summary>How the pages write times, durations and stored values (UTC, invariant culture, indented JSON).</summary>
internal static class DashboardFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A Unix-ms instant as <c>2026-12-04 23:50:01</c> (UTC).</summary>
    public static string Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    /// <summary>The same instant for a <c>datetime</c> attribute.</summary>
    public static string IsoTime(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v).ToString("o", CultureInfo.InvariantCulture) : "";

    /// <summary>A duration as <c>850 ms</c>, <c>4.2 s</c>, <c>3m 05s</c>.</summary>
    public static string Duration(double? ms) => ms switch
    {
        null => "",
        < 1000 => $"{ms.Value.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{(ms.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => $"{(int)(ms.Value / 60_000)}m {(int)(ms.Value / 1000 % 60):00}s",
    };

    /// <summary>A stored value, indented for a <c>pre</c>.</summary>
    public static string Json(JsonNode? node) => node is null ? "" : node.ToJsonString(Indented);

    /// <summary>The CSS class of a run status.</summary>
    public static string StatusClass(string status) => "status status-" + status.ToLowerInvariant();
}
