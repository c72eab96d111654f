using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Insight;

/// <summary>The REST API's views as JSON nodes, so insight documents embed events and runs in the same shape the
/// rest of the API uses.</summary>
internal static class ApiViewsJson
{
    public static JsonNode Event(StoredEvent e) => JsonSerializer.SerializeToNode(ApiViews.Event(e))!;

    public static JsonNode Run(RunRecord r) => JsonSerializer.SerializeToNode(ApiViews.Run(r))!;

    public static JsonNode? Json(string? text) => ApiViews.Json(text);
}
