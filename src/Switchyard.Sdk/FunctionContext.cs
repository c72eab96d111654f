using Microsoft.Extensions.Logging;

namespace Switchyard.Sdk;

/// <summary>What a function run gets: its triggering event(s), run information and the step tools.</summary>
/// <typeparam name="TData">Type of the triggering events' data.</typeparam>
public sealed class FunctionContext<TData>
{
    internal FunctionContext(Event<TData> @event, IReadOnlyList<Event<TData>> events, string runId, int attempt,
        StepTools step, ILogger logger, CancellationToken cancellationToken)
    {
        Event = @event;
        Events = events;
        RunId = runId;
        Attempt = attempt;
        Step = step;
        Logger = logger;
        CancellationToken = cancellationToken;
    }

    /// <summary>The triggering event. For invoked runs it is <c>inngest/function.invoked</c> carrying the invoke data;
    /// for cron runs <c>inngest/scheduled.timer</c>.</summary>
    public Event<TData> Event { get; }

    /// <summary>All events of the run (more than one only for batches); the first is <see cref="Event"/>.</summary>
    public IReadOnlyList<Event<TData>> Events { get; }

    /// <summary>The run id, stable across the calls and retries of one run.</summary>
    public string RunId { get; }

    /// <summary>0-based attempt of the current step or function call; it restarts at 0 after each successful step.</summary>
    public int Attempt { get; }

    /// <summary>Durable steps: run, sleep, wait for events, send events, invoke functions.</summary>
    public StepTools Step { get; }

    /// <summary>A logger that stays quiet while memoized steps are replayed, so each line appears once per run.</summary>
    public ILogger Logger { get; }

    /// <summary>Canceled when the call ends or the server disconnects.</summary>
    public CancellationToken CancellationToken { get; }
}
