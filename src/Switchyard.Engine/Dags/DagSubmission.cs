namespace Switchyard.Engine.Dags;

/// <summary>The answer to <c>POST /v1/dags</c>.</summary>
/// <param name="RunId">The DAG run.</param>
/// <param name="EventId">The request event, whose trace and decision show how the run started.</param>
/// <param name="Duplicate">True when the request id was seen before and <paramref name="RunId"/> is that first run.</param>
public sealed record DagSubmission(string RunId, string EventId, bool Duplicate);
