using System.Text.Json.Nodes;

namespace Switchyard.Sdk;

/// <summary>An event as a function receives it, with its data read as <typeparamref name="TData"/>.</summary>
/// <typeparam name="TData">Type the event's <c>data</c> object is deserialized to (web JSON defaults);
/// <see cref="JsonObject"/> keeps it raw.</typeparam>
/// <param name="Name">Event name.</param>
/// <param name="Data">Event payload.</param>
/// <param name="Id">Event id, when the server gave one.</param>
/// <param name="Timestamp">When the event was received.</param>
public sealed record Event<TData>(string Name, TData Data, string? Id, DateTimeOffset Timestamp);
