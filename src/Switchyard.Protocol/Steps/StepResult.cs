using System.Text.Json.Nodes;

namespace Switchyard.Protocol.Steps;

/// <summary>Memoized step values as they appear in a call request's <c>steps</c> map.</summary>
public static class StepResult
{
    /// <summary><c>{"data": value}</c>: a step's result.</summary>
    public static JsonObject Data(JsonNode? value) => new() { ["data"] = value?.DeepClone() };

    /// <summary><c>{"error": error}</c>: a step's final error.</summary>
    public static JsonObject Error(JsonNode? error) => new() { ["error"] = error?.DeepClone() };

    /// <summary>Reads a memoized value the way the SDKs do: a strict <c>{data}</c> / <c>{type,data}</c> wrapper
    /// yields its data, a strict <c>{error}</c> wrapper yields an error, anything else is the data itself.</summary>
    public static (JsonNode? Data, JsonNode? Error) Unwrap(JsonNode? memoized)
    {
        if (memoized is JsonObject o)
        {
            var keys = o.Select(p => p.Key).Where(k => k != "type").ToList();
            if (keys.Count == 1 && keys[0] == "data") return (o["data"], null);
            if (keys.Count == 1 && keys[0] == "error") return (null, o["error"]);
        }
        return (memoized, null);
    }
}
