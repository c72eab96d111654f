using System.Text.Json;
using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk;

/// <summary>A durable function triggered by events whose data is read as <typeparamref name="TData"/>. Instances
/// are resolved from dependency injection, in a new scope for each call.</summary>
/// <typeparam name="TData">Type of the triggering events' data (System.Text.Json, web defaults);
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

    internal sealed override Task<object?> ExecuteAsync(RunInfo run)
    {
        FunctionContext<TData> context;
        try
        {
            var events = run.Events.Select(EventReader.Read<TData>).ToArray();
            context = new FunctionContext<TData>(EventReader.Read<TData>(run.Event), events, run.RunId, run.Attempt, run.Step, run.Logger, run.CancellationToken);
        }
        catch (JsonException e)
        {
            // The same event will never read differently, so retrying is pointless.
            return Task.FromException<object?>(new NonRetriableException($"The event data does not fit {typeof(TData).Name}: {e.Message}", e));
        }
        return RunAsync(context);
    }
}
