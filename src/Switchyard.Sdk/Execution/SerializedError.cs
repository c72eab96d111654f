using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Execution;

/// <summary>Errors in their wire form, <c>{"name","message","stack","__serialized":true}</c>.</summary>
internal static class SerializedError
{
    public static JsonObject From(Exception e) => Create(NameOf(e), e.Message, $"{NameOf(e)}: {e.Message}\n{e.StackTrace}".TrimEnd());

    public static JsonObject Create(string name, string message, string stack) => new()
    {
        ["name"] = name,
        ["message"] = message,
        ["stack"] = stack,
        ["__serialized"] = true,
    };

    /// <summary>A step's recorded error as the exception thrown into function code.</summary>
    public static StepFailedException ToException(string stepId, JsonNode? error) =>
        new(stepId, Text(error?["name"]) ?? "Error", Text(error?["message"]) ?? "The step failed.");

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    // A replayed step error keeps the original error's name, so the run fails with what the step threw.
    private static string NameOf(Exception e) => e is StepFailedException s ? s.ErrorName : e.GetType().Name;
}
