using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk;

/// <summary>A durable function triggered by events whose data is read as <typeparamref name="TData"/>, returning a
/// <typeparamref name="TResult"/>. Other functions invoke it with a typed
/// <see cref="FunctionRef{TData, TResult}"/>. Instances are resolved from dependency injection, in a new scope for
/// each call; implement <see cref="IFunctionDefinition"/> so that its metadata is read without constructing it.</summary>
/// <typeparam name="TData">Type of the triggering events' data (and of the data it is invoked with).</typeparam>
/// <typeparam name="TResult">Type of the run's result.</typeparam>
public abstract class SwitchyardFunction<TData, TResult> : SwitchyardFunction
{
    /// <summary>Creates the function.</summary>
    protected SwitchyardFunction()
    {
    }

    /// <summary>The function body. It runs from the start on every call, with completed steps replayed from their
    /// stored results, so code outside steps must be deterministic and free of side effects.</summary>
    /// <param name="context">The event(s), run information and step tools.</param>
    /// <returns>The run's result, serialized with <see cref="SwitchyardOptions.Serializer"/>.</returns>
    public abstract Task<TResult> RunAsync(FunctionContext<TData> context);

    /// <inheritdoc cref="SwitchyardFunction{TData}.OnFailureAsync(FailureContext{TData})"/>
    public virtual Task OnFailureAsync(FailureContext<TData> context) => Task.CompletedTask;

    internal sealed override async Task<object?> ExecuteAsync(RunInfo run) => await RunAsync(ContextOf<TData>(run));

    internal sealed override async Task<object?> ExecuteFailureAsync(RunInfo run)
    {
        await OnFailureAsync(FailureContextOf<TData>(run));
        return null;
    }
}
