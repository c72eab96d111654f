using System.Text.Json.Serialization;

namespace Switchyard.Protocol.Functions;

/// <summary>One trigger of a function: an event name (exact or <c>prefix/*</c>) with an optional CEL
/// <c>expression</c>, or a cron schedule.</summary>
public sealed record TriggerConfig
{
    /// <summary>Event name or wildcard, when this is an event trigger.</summary>
    [JsonPropertyName("event")] public string? Event { get; init; }
    /// <summary>CEL expression over <c>event</c> that must be true for the trigger to match.</summary>
    [JsonPropertyName("expression")] public string? Expression { get; init; }
    /// <summary>Cron expression (5 or 6 fields, optional <c>TZ=Area/City</c> prefix).</summary>
    [JsonPropertyName("cron")] public string? Cron { get; init; }
    /// <summary>Optional jitter for cron triggers.</summary>
    [JsonPropertyName("jitter")] public string? Jitter { get; init; }
}
