namespace Switchyard.Engine.Model;

/// <summary>What became of an emitted batch.</summary>
/// <param name="Ids">Ids of the events kept (stored now or stored before), in request order.</param>
/// <param name="Stored">Events stored by this request.</param>
/// <param name="Duplicates">Kept events whose id was already stored.</param>
/// <param name="Sampled">Debug events dropped because their component was flooding.</param>
public sealed record TelemetryEmitResult(IReadOnlyList<string> Ids, int Stored, int Duplicates, int Sampled);
