using System.Reflection;

namespace Switchyard.Templates.Tests;

/// <summary>
/// What a user does with the template package: install it, create an app, build it and run its test, with
/// Switchyard.Sdk coming from a local feed the SDK was packed into and everything else from the configured source.
/// </summary>
public sealed class SwitchyardAppTemplateTests : IDisposable
{
    // Restores, builds and test runs of a fresh app on a loaded machine: generous, but bounded.
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("switchyard-template-");

    // A version no earlier run used, so the global package cache can never hand back a stale Switchyard.Sdk.
    private readonly string _version = $"0.1.0-templatetest.{Guid.NewGuid():N}";

    [Fact]
    public async Task The_created_app_builds_with_the_packed_sdk_and_its_test_passes()
    {
        var repo = RepositoryRoot();
        var configuration = typeof(SwitchyardAppTemplateTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var feed = Path.Combine(_work.FullName, "feed");
        foreach (var project in new[] { "src/Switchyard.Protocol", "src/Switchyard.Sdk", "templates/Switchyard.Templates" })
            await Succeeds(repo, "pack", Path.Combine(repo, project), "--no-build", "-c", configuration, $"-p:PackageVersion={_version}", "-o", feed);
        var sdkPackage = Path.Combine(feed, $"Switchyard.Sdk.{_version}.nupkg");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(sdkPackage))
            Assert.Contains(zip.Entries, e => e.FullName == "analyzers/dotnet/cs/Switchyard.Sdk.Analyzers.dll");

        var hive = Path.Combine(_work.FullName, "hive");
        await Succeeds(_work.FullName, "new", "install", Path.Combine(feed, $"Switchyard.Templates.{_version}.nupkg"), "--debug:custom-hive", hive);
        var app = Path.Combine(_work.FullName, "Acme.Orders");
        await Succeeds(_work.FullName, "new", "switchyard-app", "-n", "Acme.Orders", "-o", app, "--SwitchyardVersion", _version, "--debug:custom-hive", hive);
        Assert.Contains("\"AppId\": \"acme-orders\"", await File.ReadAllTextAsync(Path.Combine(app, "src", "Acme.Orders", "appsettings.json")));

        // The local feed beside the configured sources, as a user who packed the SDK would add it.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><add key="switchyard-local" value="{feed}" /></packageSources>
            </configuration>
            """);
        var test = await Succeeds(app, "test", "Acme.Orders.slnx");
        Assert.Contains("Passed!", test, StringComparison.Ordinal);
        Assert.Contains("Passed:     1", test, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _work.Delete(recursive: true);
        // The one-off version leaves the global package cache as it was.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "switchyard.sdk", "switchyard.protocol" })
        {
            var dir = Path.Combine(cache, id, _version);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> Succeeds(string workingDirectory, params string[] args)
    {
        var (exitCode, output) = await Dotnet.RunAsync(workingDirectory, StepTimeout, args);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', args)} exited {exitCode}:\n{output}");
        return output;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
