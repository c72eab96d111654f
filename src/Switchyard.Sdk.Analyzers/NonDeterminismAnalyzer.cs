using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Sdk.Analyzers;

/// <summary>
/// SWY003: a non-deterministic value (the clock, a new GUID, an unseeded Random) read in a function body outside
/// any step. Inside a step body it is fine (the step's result is stored); inside a step id SWY002 reports it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonDeterminismAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.NonDeterministicOutsideStep);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationBlockStartAction(block =>
        {
            if (block.OwningSymbol is not IMethodSymbol method || !StepCall.IsFunctionBody(method)) return;
            block.RegisterOperationAction(
                op =>
                {
                    var name = NonDeterministicSource.Name(op.Operation);
                    if (name is not null && !InsideStep(op.Operation))
                        op.ReportDiagnostic(Diagnostic.Create(Descriptors.NonDeterministicOutsideStep, op.Operation.Syntax.GetLocation(), name));
                },
                OperationKind.PropertyReference, OperationKind.Invocation, OperationKind.ObjectCreation);
        });
    }

    /// <summary>True inside an argument of a step call: the step's body, or its id (SWY002's concern).</summary>
    private static bool InsideStep(IOperation operation)
    {
        for (var node = operation; node.Parent is not null; node = node.Parent)
        {
            if (node is IArgumentOperation argument && argument.Parent is IInvocationOperation call && StepCall.IdArgument(call) is { } id
                && (ReferenceEquals(argument, id) || argument.Value is IDelegateCreationOperation or IAnonymousFunctionOperation))
                return true;
        }
        return false;
    }
}
