using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk;

/// <summary>A durable function triggered by events whose data is read as <typeparamref name="TData"/>, returning any
/// result. For a typed result (and typed invokes of it) derive from <see cref="SwitchyardFunction{TData, TResult}"/>.
/// Instances are resolved from dependency injection, in a new scope for each call.</summary>
/// <typeparam name="TData">Type of the triggering events' data (read with <see cref="SwitchyardOptions.Serializer"/>);
/// <see cref="System.Text.Json.Nodes.JsonObject"/> keeps it raw.</typeparam>
public abstract class SwitchyardFunction<TData> : SwitchyardFunction
{
    /// <summary>Creates the function.</summary>
    protected SwitchyardFunction()
    {
    }

    /// <summary>The function body. It runs from the start on every call, with completed steps replayed from their
    /// stored results, so code outside steps must be deterministic and free of side effects.</summary>
    /// <param name="context">The event(s), run information and step tools.</param>
    /// <returns>The run's result (serialized to JSON), or null.</returns>
    public abstract Task<object?> RunAsync(FunctionContext<TData> context);

    /// <summary>Runs once after a run of this function failed for good (retries exhausted, or a
    /// <see cref="NonRetriableException"/>), with the error and the failed run's event, as Inngest's <c>onFailure</c>.
    /// Overriding it registers a second function, <c>&lt;id&gt;-failure</c>, triggered by
    /// <c>inngest/function.failed</c>; it is a durable function itself (steps work) and is retried once.</summary>
    /// <param name="context">The failed run's event, the error, and step tools.</param>
    public virtual Task OnFailureAsync(FailureContext<TData> context) => Task.CompletedTask;

    internal sealed override Task<object?> ExecuteAsync(RunInfo run)
    {
        FunctionContext<TData> context;
        try
        {
            context = ContextOf<TData>(run);
        }
        catch (NonRetriableException e)
        {
            return Task.FromException<object?>(e);
        }
        return RunAsync(context);
    }

    internal sealed override async Task<object?> ExecuteFailureAsync(RunInfo run)
    {
        await OnFailureAsync(FailureContextOf<TData>(run));
        return null;
    }
}
