using Microsoft.Extensions.Logging;

namespace Switchyard.Sdk;

/// <summary>What a failure handler (<c>OnFailureAsync</c>) gets: the failed run's triggering event, the error, and
/// step tools for the handler's own durable steps.</summary>
/// <typeparam name="TData">Type of the failed function's event data.</typeparam>
public sealed class FailureContext<TData>
{
    internal FailureContext(Event<TData> @event, FunctionFailure error, string functionId, string failedRunId, string runId, StepTools step,
        ILogger logger, CancellationToken cancellationToken)
    {
        Event = @event;
        Error = error;
        FunctionId = functionId;
        FailedRunId = failedRunId;
        RunId = runId;
        Step = step;
        Logger = logger;
        CancellationToken = cancellationToken;
    }

    /// <summary>The event that triggered the failed run.</summary>
    public Event<TData> Event { get; }

    /// <summary>Why the run failed.</summary>
    public FunctionFailure Error { get; }

    /// <summary>The failed function's registered id (<c>&lt;app id&gt;-&lt;function id&gt;</c>).</summary>
    public string FunctionId { get; }

    /// <summary>The failed run's id.</summary>
    public string FailedRunId { get; }

    /// <summary>The failure handler's own run id.</summary>
    public string RunId { get; }

    /// <summary>Durable steps for the handler.</summary>
    public StepTools Step { get; }

    /// <summary>A logger that stays quiet while memoized steps are replayed.</summary>
    public ILogger Logger { get; }

    /// <summary>Canceled when the call ends or the server disconnects.</summary>
    public CancellationToken CancellationToken { get; }
}
