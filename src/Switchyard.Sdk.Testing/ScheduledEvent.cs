using System.Text.Json.Nodes;

namespace Switchyard.Sdk.Testing;

/// <summary>An event that reaches a run at <paramref name="At"/> (virtual time), where a waiting step may take it.</summary>
internal sealed record ScheduledEvent(DateTimeOffset At, JsonObject Event);
