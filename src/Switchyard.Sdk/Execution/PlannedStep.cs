using System.Text.Json.Nodes;
using Switchyard.Protocol.Calls;

namespace Switchyard.Sdk.Execution;

/// <summary>A step the function reached that has no memoized value yet.</summary>
/// <param name="Hash">Hashed step id.</param>
/// <param name="UserId">The step id the function gave.</param>
/// <param name="Index">Repeat index of <paramref name="UserId"/> (0 for the first occurrence).</param>
/// <param name="Code">Op reported when the step is not run here: <c>Sleep</c>, <c>WaitForEvent</c>,
/// <c>InvokeFunction</c>; run-type steps are reported as <c>StepPlanned</c>.</param>
/// <param name="Name">The op's <c>name</c>: the step id, or what the protocol carries there (duration, event name).</param>
/// <param name="Opts">The op's <c>opts</c>.</param>
/// <param name="Work">The step's body for run-type steps (<c>Run</c>, <c>SendEvent</c>); null for steps the server
/// carries out.</param>
internal sealed record PlannedStep(
    string Hash,
    string UserId,
    int Index,
    string Code,
    string Name,
    JsonObject? Opts,
    Func<CancellationToken, Task<JsonNode?>>? Work)
{
    public bool IsRunType => Work is not null;

    /// <summary>The op reporting this step without running it.</summary>
    public Op ToPlannedOp() => ToOp(IsRunType ? OpCode.StepPlanned : Code);

    /// <summary>The op reporting this step's outcome.</summary>
    public Op ToOp(string code, JsonNode? data = null, JsonNode? error = null, JsonObject? timing = null) => new()
    {
        Id = Hash,
        Code = code,
        Name = Name,
        DisplayName = UserId,
        Opts = Opts?.DeepClone().AsObject() ?? [],
        Userland = new UserlandId { Id = UserId, Index = Index == 0 ? null : Index },
        Data = data,
        Error = error,
        Timing = timing,
    };
}
