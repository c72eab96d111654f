using System.Text.Json.Nodes;

namespace Switchyard.Gateway.Stream;

/// <summary>One message on the WebSocket stream.</summary>
/// <param name="Type">notification, event, run, gateway (deliveries, inbound messages, health), ready, subscribed or error.</param>
/// <param name="Topic"><c>session:&lt;id&gt;</c>, <c>event:&lt;name&gt;</c>, <c>run:&lt;function id&gt;</c> or <c>gateway</c>.</param>
/// <param name="At">When (Unix ms).</param>
/// <param name="Data">The payload.</param>
public sealed record StreamMessage(string Type, string Topic, long At, JsonNode? Data);
