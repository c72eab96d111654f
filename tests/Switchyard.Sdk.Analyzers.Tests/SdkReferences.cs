using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Switchyard.Sdk.Analyzers.Tests;

/// <summary>
/// What the test sources compile against: the assemblies this test process runs on (the .NET and ASP.NET Core
/// shared frameworks and the real Switchyard.Sdk). Taken from the runtime rather than a reference-assembly package
/// the test framework would download, so the tests need no network and match the SDK build exactly.
/// </summary>
internal static class SdkReferences
{
    /// <summary>No package: the references come from <see cref="Assemblies"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>Every trusted platform assembly of this process (framework, ASP.NET Core, Switchyard).</summary>
    public static ImmutableArray<MetadataReference> Assemblies { get; } =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
                    || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name.StartsWith("Switchyard.", StringComparison.Ordinal)
                    || name is "netstandard.dll" or "mscorlib.dll" or "System.dll")
                && !name.StartsWith("Switchyard.Sdk.Analyzers", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
}
