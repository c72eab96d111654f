using System.Text.Json.Nodes;

namespace Switchyard.Worker.Dags;

/// <summary>How a node ended, after all its attempts.</summary>
/// <param name="Succeeded">Whether its last attempt succeeded.</param>
/// <param name="Output">Its output (the last attempt's).</param>
/// <param name="Error">Why the last attempt failed.</param>
/// <param name="Attempts">How many attempts it made.</param>
internal sealed record NodeOutcome(bool Succeeded, JsonNode? Output, string? Error, int Attempts);
