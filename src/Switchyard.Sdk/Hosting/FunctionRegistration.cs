namespace Switchyard.Sdk.Hosting;

/// <summary>A function class added with <c>AddFunction&lt;T&gt;()</c>; one singleton per class in DI.</summary>
/// <param name="Type">The function class.</param>
/// <param name="Define">Its static <see cref="IFunctionDefinition.Define"/>, when it has one: the metadata is then read
/// without constructing the function.</param>
internal sealed record FunctionRegistration(Type Type, Action<FunctionBuilder>? Define);
