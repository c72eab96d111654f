using Switchyard.Engine.Storage;

namespace Switchyard.Engine.Dags;

/// <summary>Starts runs of the named pipelines declared in configuration (<c>[pipelines.NAME]</c>), inside the
/// caller's write transaction: the schedule ticker, <c>POST /v1/pipelines/{name}/trigger</c> and the work queue's
/// <c>pipeline</c> handler all go through it, so the pipeline's <c>concurrency</c> policy and its decision record
/// are applied the same way whoever asks.</summary>
public interface IPipelineLauncher
{
    /// <summary>The pipelines known, by name (ordinal order).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Whether <paramref name="name"/> is a declared pipeline.</summary>
    bool Exists(string name);

    /// <summary>Starts (or, by the pipeline's concurrency policy, skips) a run of
    /// <see cref="PipelineLaunchRequest.Pipeline"/> in <paramref name="tx"/>. A request id seen before answers
    /// <see cref="PipelineLaunchOutcome.Duplicate"/> with the run it started.</summary>
    PipelineLaunchResult Launch(IStoreTransaction tx, PipelineLaunchRequest request);
}
