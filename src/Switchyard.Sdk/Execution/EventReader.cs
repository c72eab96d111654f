using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk.Execution;

/// <summary>Reads wire events into typed <see cref="Event{TData}"/>s.</summary>
internal static class EventReader
{
    public static Event<TData> Read<TData>(JsonNode? node, ISwitchyardSerializer serializer)
    {
        if (node is not JsonObject o) throw new JsonException("An event must be a JSON object.");
        var data = (TData)serializer.Deserialize(o["data"] ?? new JsonObject(), typeof(TData))!;
        return new Event<TData>(SerializedError.Text(o["name"]) ?? "", data, SerializedError.Text(o["id"]), Timestamp(o["ts"]));
    }

    private static DateTimeOffset Timestamp(JsonNode? ts)
    {
        if (ts is JsonValue v)
        {
            if (v.TryGetValue(out long ms)) return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            if (v.TryGetValue(out double d)) return DateTimeOffset.FromUnixTimeMilliseconds((long)d);
        }
        return DateTimeOffset.UnixEpoch;
    }
}
