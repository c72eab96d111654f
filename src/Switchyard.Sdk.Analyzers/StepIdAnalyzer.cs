using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Switchyard.Sdk.Analyzers;

/// <summary>
/// SWY001 (one constant step id at two step calls of one method) and SWY002 (a step id that reads a value which
/// changes on every replay).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StepIdAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DuplicateStepId, Descriptors.UnstableStepId);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        // One operation block is one member body, lambdas and local functions included: the scope of SWY001.
        context.RegisterOperationBlockStartAction(block =>
        {
            var ids = new ConcurrentQueue<(string Id, IArgumentOperation Argument)>();
            block.RegisterOperationAction(op =>
            {
                var id = StepCall.IdArgument((IInvocationOperation)op.Operation);
                if (id is null) return;
                if (id.Value.ConstantValue is { HasValue: true, Value: string constant })
                {
                    ids.Enqueue((constant, id));
                    return;
                }
                var unstable = id.Value.DescendantsAndSelf().Select(NonDeterministicSource.NameInId).FirstOrDefault(n => n is not null);
                if (unstable is not null)
                    op.ReportDiagnostic(Diagnostic.Create(Descriptors.UnstableStepId, id.Value.Syntax.GetLocation(), unstable));
            }, OperationKind.Invocation);
            block.RegisterOperationBlockEndAction(end =>
            {
                var member = block.OwningSymbol.Name;
                foreach (var group in ids.GroupBy(i => i.Id).Where(g => g.Count() > 1))
                    foreach (var (id, argument) in group.OrderBy(i => i.Argument.Syntax.SpanStart).Skip(1))
                        end.ReportDiagnostic(Diagnostic.Create(Descriptors.DuplicateStepId, argument.Value.Syntax.GetLocation(), id, member));
            });
        });
    }
}
