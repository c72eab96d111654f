using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Sdk.Analyzers;

/// <summary>Recognizes calls to <c>Switchyard.Sdk.StepTools</c> and the function bodies they run in.</summary>
internal static class StepCall
{
    private const string SdkNamespace = "Switchyard.Sdk";

    /// <summary>The id argument of a step call (every StepTools method takes the id first), or null for other calls.</summary>
    public static IArgumentOperation? IdArgument(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!IsSdkType(method.ContainingType, "StepTools") || method.Parameters.Length == 0) return null;
        var first = method.Parameters[0];
        if (first.Name != "id" || first.Type.SpecialType != SpecialType.System_String) return null;
        foreach (var argument in invocation.Arguments)
            if (SymbolEqualityComparer.Default.Equals(argument.Parameter, first)) return argument;
        return null;
    }

    /// <summary>
    /// True for a method of a <c>SwitchyardFunction</c> subclass that takes a <c>FunctionContext&lt;T&gt;</c> or
    /// <c>FailureContext&lt;T&gt;</c>: the run and on-failure bodies, and helpers they hand their context to.
    /// </summary>
    public static bool IsFunctionBody(IMethodSymbol method)
    {
        if (!DerivesFromFunction(method.ContainingType)) return false;
        foreach (var parameter in method.Parameters)
            if (IsContext(parameter.Type)) return true;
        return false;
    }

    /// <summary>True for <c>FunctionContext&lt;T&gt;</c> and <c>FailureContext&lt;T&gt;</c>.</summary>
    public static bool IsContext(ITypeSymbol type) =>
        type is INamedTypeSymbol named && (IsSdkType(named, "FunctionContext") || IsSdkType(named, "FailureContext"));

    private static bool DerivesFromFunction(INamedTypeSymbol? type)
    {
        for (var t = type?.BaseType; t is not null; t = t.BaseType)
            if (IsSdkType(t, "SwitchyardFunction")) return true;
        return false;
    }

    private static bool IsSdkType(INamedTypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == SdkNamespace;
}
