namespace Switchyard.Engine.Dags;

/// <summary>What a pipeline launch did.</summary>
public enum PipelineLaunchOutcome
{
    /// <summary>A run was started.</summary>
    Started,
    /// <summary>A run was started after cancelling the one still going (<c>concurrency = "replace"</c>).</summary>
    Replaced,
    /// <summary>Nothing started: the last run is still going (<c>concurrency = "forbid"</c>).</summary>
    Skipped,
    /// <summary>The request id was seen before; <see cref="PipelineLaunchResult.RunId"/> is the first request's run.</summary>
    Duplicate,
    /// <summary>No pipeline has that name.</summary>
    UnknownPipeline,
}
