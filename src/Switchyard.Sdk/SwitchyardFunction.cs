using System.Reflection;
using System.Text.Json;
using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk;

/// <summary>Base of every Switchyard function; derive from <see cref="SwitchyardFunction{TData, TResult}"/> (typed
/// result) or <see cref="SwitchyardFunction{TData}"/> (any result).</summary>
public abstract class SwitchyardFunction
{
    // Only the generic bases may derive from this class: they are the ways to write a function.
    private protected SwitchyardFunction()
    {
    }

    /// <summary>Describes the function: id, name, triggers, retries. Called once, when the app starts serving, on an
    /// instance resolved from dependency injection. Prefer the static <see cref="IFunctionDefinition.Define"/>, which
    /// describes the function without constructing it; a function that implements it need not override this.</summary>
    /// <param name="function">The builder to describe the function with.</param>
    public virtual void Configure(FunctionBuilder function) =>
        throw new InvalidOperationException($"{GetType().Name} must implement IFunctionDefinition (static Define) or override Configure.");

    internal abstract Task<object?> ExecuteAsync(RunInfo run);

    internal abstract Task<object?> ExecuteFailureAsync(RunInfo run);

    /// <summary>Whether <paramref name="type"/> overrides <c>OnFailureAsync</c>, i.e. has a failure handler.</summary>
    internal static bool HasFailureHandler(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Any(m => m.Name == "OnFailureAsync" && m.GetBaseDefinition() != m && m.DeclaringType != m.GetBaseDefinition().DeclaringType);

    /// <summary>Builds the context of a run, or a non-retriable error when the event data does not fit.</summary>
    private protected static FunctionContext<TData> ContextOf<TData>(RunInfo run)
    {
        try
        {
            var events = run.Events.Select(e => EventReader.Read<TData>(e, run.Serializer)).ToArray();
            return new FunctionContext<TData>(EventReader.Read<TData>(run.Event, run.Serializer), events, run.RunId, run.Attempt, run.Step, run.Logger, run.CancellationToken);
        }
        catch (JsonException e)
        {
            // The same event will never read differently, so retrying is pointless.
            throw new NonRetriableException($"The event data does not fit {typeof(TData).Name}: {e.Message}", e);
        }
    }

    /// <summary>Builds the context of a failure handler's run from its <c>inngest/function.failed</c> event.</summary>
    private protected static FailureContext<TData> FailureContextOf<TData>(RunInfo run)
    {
        var data = run.Event["data"] as System.Text.Json.Nodes.JsonObject ?? [];
        Event<TData> original;
        try
        {
            original = EventReader.Read<TData>(data["event"], run.Serializer);
        }
        catch (JsonException e)
        {
            throw new NonRetriableException($"The failed run's event data does not fit {typeof(TData).Name}: {e.Message}", e);
        }
        var error = data["error"] as System.Text.Json.Nodes.JsonObject ?? [];
        var failure = new FunctionFailure(
            SerializedError.Text(error["name"]) ?? "Error",
            SerializedError.Text(error["message"]) ?? "",
            SerializedError.Text(error["stack"]));
        return new FailureContext<TData>(original, failure, SerializedError.Text(data["function_id"]) ?? "", SerializedError.Text(data["run_id"]) ?? "",
            run.RunId, run.Step, run.Logger, run.CancellationToken);
    }
}
