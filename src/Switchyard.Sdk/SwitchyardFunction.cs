using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk;

/// <summary>Base of every Switchyard function; derive from <see cref="SwitchyardFunction{TData}"/>.</summary>
public abstract class SwitchyardFunction
{
    // Only SwitchyardFunction<TData> may derive from this class: it is the one way to write a function.
    private protected SwitchyardFunction()
    {
    }

    /// <summary>Describes the function: id, name, triggers, retries. Called once, when the app starts serving.</summary>
    /// <param name="function">The builder to describe the function with.</param>
    public abstract void Configure(FunctionBuilder function);

    internal abstract Task<object?> ExecuteAsync(RunInfo run);
}
