using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Sdk;

/// <summary>A typed reference to a function: <see cref="StepTools.InvokeAsync{TData, TResult}(string, FunctionRef{TData, TResult}, TData, TimeSpan?)"/>
/// sends it a <typeparamref name="TData"/> and returns its <typeparamref name="TResult"/>. Keep one in a static field
/// and reuse it.</summary>
/// <typeparam name="TData">The function's event data.</typeparam>
/// <typeparam name="TResult">The function's result.</typeparam>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "FunctionRef<TData, TResult>.To<TFunction>() is the point: the type arguments written once are checked against the function's base class.")]
public sealed class FunctionRef<TData, TResult>
{
    private FunctionRef(FunctionRef untyped) => Untyped = untyped;

    /// <summary>The untyped reference (the function's id).</summary>
    public FunctionRef Untyped { get; }

    /// <summary>A C# function of this app: its id comes from its static <see cref="IFunctionDefinition.Define"/>, and
    /// the compiler checks that its data and result types are these.</summary>
    /// <typeparam name="TFunction">The function class.</typeparam>
    public static FunctionRef<TData, TResult> To<TFunction>() where TFunction : SwitchyardFunction<TData, TResult>, IFunctionDefinition =>
        new(FunctionRef.Local(FunctionBuilder.Describe<TFunction>().LocalId));

    /// <summary>A function of any app, in any language, by the full id it is registered under
    /// (<c>&lt;app id&gt;-&lt;function id&gt;</c>): the types are a promise the caller makes about its data and result.</summary>
    /// <param name="fullId">The registered id, e.g. <c>billing-js-charge-card</c>.</param>
    public static FunctionRef<TData, TResult> ById(string fullId) => new(FunctionRef.ById(fullId));

    /// <inheritdoc />
    public override string ToString() => Untyped.ToString();
}
