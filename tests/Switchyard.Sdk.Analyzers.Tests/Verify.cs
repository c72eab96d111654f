using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Switchyard.Sdk.Analyzers.Tests;

/// <summary>Runs an analyzer (and a code fix) over a source file that uses the real SDK.</summary>
internal static class Verify
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Diagnostics;
        using System.Threading.Tasks;
        using Switchyard.Sdk;

        """;

    /// <summary>Checks that <typeparamref name="TAnalyzer"/> reports exactly <paramref name="expected"/> on <paramref name="source"/>.</summary>
    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = Usings + source, ReferenceAssemblies = SdkReferences.None };
        test.TestState.AdditionalReferences.AddRange(SdkReferences.Assemblies);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Checks the diagnostics, then that the fix turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
    public static Task CodeFixAsync<TAnalyzer, TFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + source, FixedCode = Usings + fixedSource, ReferenceAssemblies = SdkReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(SdkReferences.Assemblies);
        test.FixedState.AdditionalReferences.AddRange(SdkReferences.Assemblies);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>A diagnostic at markup location <paramref name="index"/> (<c>{|#0:…|}</c>).</summary>
    public static DiagnosticResult At(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int index, params object[] arguments) =>
        new DiagnosticResult(descriptor).WithLocation(index).WithArguments(arguments);
}
