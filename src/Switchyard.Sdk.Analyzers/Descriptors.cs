using Microsoft.CodeAnalysis;

namespace Switchyard.Sdk.Analyzers;

/// <summary>The diagnostics reported by the Switchyard analyzers (documented in the Switchyard.Sdk README).</summary>
public static class Descriptors
{
    private const string Category = "Switchyard.Durability";

    /// <summary>SWY001: the same constant step id is passed to two step calls in one method.</summary>
    public static readonly DiagnosticDescriptor DuplicateStepId = new(
        "SWY001",
        "Duplicate step id",
        "Step id \"{0}\" is already used by another step call in '{1}'; give each step its own id",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Step results are memoized by id. Two call sites sharing one id are told apart only by the order they run in, so reordering or skipping one hands it the other's stored result.");

    /// <summary>SWY002: a step id contains a value that differs on every replay.</summary>
    public static readonly DiagnosticDescriptor UnstableStepId = new(
        "SWY002",
        "Step id is not stable across replays",
        "Step id uses '{0}', which has another value on every replay; build it from constants, parameters, locals, loop variables or event data",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A function is replayed from the start on every call, and a step is found again by its id. An id that contains the time, a new GUID, a random number or a string hash code never matches the stored step, so the step runs again on every call and the run never progresses.");

    /// <summary>SWY003: a non-deterministic value is read outside a step in a function body.</summary>
    public static readonly DiagnosticDescriptor NonDeterministicOutsideStep = new(
        "SWY003",
        "Non-deterministic call outside a step",
        "'{0}' gives another value on every replay; read it inside a step (ctx.Step.RunAsync) so the run sees the stored value",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Code outside steps runs again on every call of a durable function. A decision made on the time, a new GUID or a random number can go another way on the next call than on the one that started the step.");
}
