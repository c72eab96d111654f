namespace Switchyard.Sdk.Hosting;

/// <summary>A function class added with <c>AddFunction&lt;T&gt;()</c>; one singleton per class in DI.</summary>
internal sealed record FunctionRegistration(Type Type);
