namespace Switchyard.Sdk;

/// <summary>An event to send, from <see cref="SwitchyardClient.SendAsync(Event, CancellationToken)"/> or
/// <see cref="StepTools.SendEvent(string, Event)"/>.</summary>
/// <param name="Name">Event name, e.g. <c>app/user.created</c>.</param>
/// <param name="Data">Payload; must serialize (System.Text.Json, web defaults) to a JSON object. Null sends <c>{}</c>.</param>
public sealed record Event(string Name, object? Data = null)
{
    /// <summary>Optional idempotency id: the server stores an event with an id it has already seen only once.</summary>
    public string? Id { get; init; }

    /// <summary>Optional timestamp; the time of sending when not set.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
