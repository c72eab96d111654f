using System.Text.Json.Nodes;

namespace Switchyard.Engine.Model;

/// <summary>A validated event from a request, before the server assigns what is missing.</summary>
public sealed record IncomingEvent(string Name, JsonObject Data, string? Id, long? Ts, JsonObject? User, string? V);
