using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Sdk.Analyzers;

/// <summary>The members whose value changes from one replay of a function to the next.</summary>
internal static class NonDeterministicSource
{
    /// <summary>
    /// The display name of the non-deterministic value this operation reads (e.g. <c>DateTime.UtcNow</c>), or null.
    /// Covers the clock (DateTime, DateTimeOffset, Environment.TickCount, Stopwatch, TimeProvider), new GUIDs and
    /// unseeded Random. Only where such a value enters: members read off a flagged value are not reported again.
    /// </summary>
    public static string? Name(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation p => Property(p.Property),
        IInvocationOperation i => Method(i.TargetMethod),
        // new Random(seed) is deterministic; only the unseeded one is not.
        IObjectCreationOperation c when c.Type is INamedTypeSymbol t && c.Arguments.Length == 0 && (Is(t, "System", "Random") || Is(t, "System.Diagnostics", "Stopwatch")) =>
            $"new {t.Name}()",
        _ => null,
    };

    /// <summary>Also unstable in a step id, though harmless elsewhere: string hash codes are randomized per process.</summary>
    public static string? NameInId(IOperation operation) =>
        Name(operation) ?? (operation is IInvocationOperation { TargetMethod.Name: "GetHashCode", TargetMethod.Parameters.Length: 0 } ? "GetHashCode()" : null);

    private static string? Property(IPropertySymbol property)
    {
        var type = property.ContainingType;
        var name = property.Name;
        var hit = (Is(type, "System", "DateTime") && name is "Now" or "UtcNow" or "Today")
            || (Is(type, "System", "DateTimeOffset") && name is "Now" or "UtcNow")
            || (Is(type, "System", "Environment") && name is "TickCount" or "TickCount64")
            || (Is(type, "System", "Random") && name == "Shared");
        return hit ? $"{type.Name}.{name}" : null;
    }

    private static string? Method(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var name = method.Name;
        var hit = (Is(type, "System", "Guid") && name is "NewGuid" or "CreateVersion7")
            || (Is(type, "System.Diagnostics", "Stopwatch") && name is "StartNew" or "GetTimestamp" or "GetElapsedTime")
            || (Is(type, "System", "TimeProvider") && name is "GetUtcNow" or "GetLocalNow" or "GetTimestamp" or "GetElapsedTime");
        return hit ? $"{type.Name}.{name}()" : null;
    }

    private static bool Is(INamedTypeSymbol? type, string ns, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == ns;
}
