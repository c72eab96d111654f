using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Switchyard.Sdk.Analyzers;

/// <summary>
/// Fixes SWY003 by moving the expression into a step: <c>DateTime.UtcNow.Date</c> becomes
/// <c>await ctx.Step.RunAsync("utc-now", () =&gt; DateTime.UtcNow.Date)</c>. The whole member chain read off the
/// value moves with it, so the step returns the value the code uses (a date, a string), not a Random or a Stopwatch.
/// Offered only in an async function body, where the <c>await</c> is legal and the context parameter is in scope.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInStepCodeFix)), Shared]
public sealed class WrapInStepCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.NonDeterministicOutsideStep.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax flagged) continue;
            var expression = WholeChain(flagged);
            if (!Returnable(model.GetTypeInfo(expression, context.CancellationToken).Type)) continue;
            if (expression.FirstAncestorOrSelf<SyntaxNode>(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MethodDeclarationSyntax)
                is not MethodDeclarationSyntax method || !method.Modifiers.Any(SyntaxKind.AsyncKeyword)) continue;
            var contextParameter = method.ParameterList.Parameters.FirstOrDefault(p =>
                model.GetDeclaredSymbol(p, context.CancellationToken) is { } symbol && StepCall.IsContext(symbol.Type));
            if (contextParameter is null) continue;
            var stepId = UniqueId(method, BaseId(flagged));
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Read it in a step (ctx.Step.RunAsync(\"{stepId}\", …))",
                    ct => WrapAsync(context.Document, root, expression, contextParameter.Identifier.ValueText, stepId),
                    equivalenceKey: nameof(WrapInStepCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> WrapAsync(Document document, SyntaxNode root, ExpressionSyntax expression, string context, string stepId)
    {
        // await ctx.Step.RunAsync("<id>", () => <expression>), parenthesized only where the grammar needs it.
        var call = InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(context), IdentifierName("Step")),
                IdentifierName("RunAsync")),
            ArgumentList(SeparatedList(new[]
            {
                Argument(LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(stepId))),
                Argument(ParenthesizedLambdaExpression(expression.WithoutTrivia())),
            })));
        var replacement = ParenthesizedExpression(AwaitExpression(call))
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation)
            .WithTriviaFrom(expression);
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(expression, replacement)));
    }

    /// <summary>The flagged expression with every member access, call and index applied to it.</summary>
    private static ExpressionSyntax WholeChain(ExpressionSyntax flagged)
    {
        var node = flagged;
        while (true)
        {
            switch (node.Parent)
            {
                case MemberAccessExpressionSyntax access when access.Expression == node: node = access; break;
                case InvocationExpressionSyntax call when call.Expression == node: node = call; break;
                case ElementAccessExpressionSyntax index when index.Expression == node: node = index; break;
                default: return node;
            }
        }
    }

    // A step's result is stored as JSON: a Random or a Stopwatch would come back as an empty object.
    private static bool Returnable(ITypeSymbol? type) =>
        type is not null && type.SpecialType != SpecialType.System_Void
        && !(type.ContainingNamespace?.ToDisplayString() is "System" or "System.Diagnostics" && type.Name is "Random" or "Stopwatch");

    private static string BaseId(ExpressionSyntax flagged)
    {
        var name = flagged switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText,
            ObjectCreationExpressionSyntax creation => creation.Type.ToString(),
            _ => "value",
        };
        if (name == "Shared") name = "Random";
        if (name.StartsWith("Get", System.StringComparison.Ordinal) && name.Length > 3) name = name.Substring(3);
        var kebab = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && kebab.Length > 0) kebab.Append('-');
            kebab.Append(char.ToLowerInvariant(c));
        }
        return kebab.ToString();
    }

    private static string UniqueId(MethodDeclarationSyntax method, string baseId)
    {
        var used = method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.StringLiteralToken)).Select(t => t.ValueText).ToImmutableHashSet();
        var id = baseId;
        for (var n = 2; used.Contains(id); n++) id = $"{baseId}-{n}";
        return id;
    }
}
