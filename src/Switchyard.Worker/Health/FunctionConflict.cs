namespace Switchyard.Worker.Health;

/// <summary>A function id registered by several apps.</summary>
/// <param name="FunctionId">The function id.</param>
/// <param name="Apps">The apps that registered it.</param>
/// <param name="Owner">The app runs go to.</param>
internal sealed record FunctionConflict(string FunctionId, IReadOnlyList<string> Apps, string? Owner);
