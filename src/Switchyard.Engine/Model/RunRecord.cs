namespace Switchyard.Engine.Model;

/// <summary>One run of a function.</summary>
/// <param name="Id">Run id (ULID).</param>
/// <param name="FunctionId">Composite function id.</param>
/// <param name="AppId">App that owned the function when the run started.</param>
/// <param name="EventId">Id of the triggering event.</param>
/// <param name="EventSeq">Store order of the triggering event.</param>
/// <param name="Status">See <see cref="RunStatus"/>.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="StartedAt">First call, Unix ms.</param>
/// <param name="EndedAt">Terminal state reached, Unix ms.</param>
/// <param name="Output">Result JSON when completed.</param>
/// <param name="Error">Error JSON when failed or cancelled.</param>
/// <param name="Version">Protocol version the SDK answered with (-1 until known).</param>
/// <param name="ForcePlan">Parallel mode: later calls get <c>disable_immediate_execution</c>.</param>
/// <param name="Pending">Hashes of parallel steps not finished yet.</param>
/// <param name="ParentRunId">Invoking run, for invoked runs.</param>
/// <param name="ParentStep">Hashed step of the parent that awaits this run.</param>
/// <param name="Flow">Flow-control state of the run (JSON <see cref="FlowControl.RunFlow"/>): its concurrency keys, singleton key.</param>
/// <param name="Batch">Store order of all the run's events when it was started by a batch.</param>
public sealed record RunRecord(
    string Id,
    string FunctionId,
    string AppId,
    string EventId,
    long EventSeq,
    RunStatus Status,
    long CreatedAt,
    long? StartedAt,
    long? EndedAt,
    string? Output,
    string? Error,
    int Version,
    bool ForcePlan,
    IReadOnlyList<string> Pending,
    string? ParentRunId,
    string? ParentStep,
    string? Flow = null,
    IReadOnlyList<long>? Batch = null);
