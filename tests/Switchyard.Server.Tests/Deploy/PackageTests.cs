using System.IO.Compression;

namespace Switchyard.Server.Tests.Deploy;

/// <summary><c>scripts/pack.sh</c>: the SDK and client pack as NuGet packages with their READMEs and licence, and
/// <c>yard</c> packs as a .NET tool that installs from the local feed and runs. It packs the outputs already built for the
/// tests (<c>--no-build</c>); <c>scripts/pack.sh</c> without it builds Release, as a release does.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task The_packages_carry_their_metadata_and_the_yard_tool_installs_from_a_local_feed()
    {
        var feed = TempDir.Create();
        // The projects were built with this test (in its configuration): pack those outputs rather than build Release
        // again, which took most of this test's time. What is checked (metadata, READMEs, the tool installing from the
        // feed and running) is the same for both.
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var (code, stdout, stderr) = await DeployFiles.RunAsync(Path.Combine(DeployFiles.RepoRoot(), "scripts", "pack.sh"), [feed, "--no-build", configuration], timeout: TimeSpan.FromMinutes(8));
        Assert.True(code == 0, $"pack.sh failed:\n{stdout}\n{stderr}");
        Assert.Contains("0.1.0", stdout, StringComparison.Ordinal);
        foreach (var id in new[] { "Switchyard.Sdk", "Switchyard.Client", "Switchyard.Cli" })
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.0.1.0.nupkg"));
            Assert.NotNull(package.GetEntry("README.md"));
            using var reader = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
            var nuspec = await reader.ReadToEndAsync();
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<repository type=\"git\"", nuspec, StringComparison.Ordinal);
            Assert.Contains("<tags>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<description>", nuspec, StringComparison.Ordinal);
        }
    }
}
