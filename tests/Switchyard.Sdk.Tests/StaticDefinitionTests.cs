using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Sdk.Hosting;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

/// <summary>Metadata declared with the static <see cref="IFunctionDefinition.Define"/> is read without constructing
/// the function or resolving its dependencies.</summary>
public sealed class StaticDefinitionTests
{
    [Fact]
    public void RegistrationReadsStaticMetadataWithoutConstructingTheFunction()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSwitchyard(o => o.AppId = "static-app").AddFunction<NeverBuilt>().AddFunction<TypedReport>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var before = NeverBuilt.Constructed;

        var registry = provider.GetRequiredService<FunctionRegistry>();
        var config = registry.Find("static-app-never-built")!.ToConfig("static-app", "http://app/api/switchyard");

        Assert.Equal(2, registry.Count);
        Assert.Equal("static-app-never-built", config.Id);
        Assert.Equal("Never built", config.Name);
        Assert.Equal("test/never", Assert.Single(config.Triggers).Event);
        Assert.Equal(2, (int)config.Concurrency!.AsArray()[0]!["limit"]!);
        Assert.Equal(3, config.Steps["step"].Retries!.Attempts);
        Assert.Equal("never-built", FunctionRef<ReportRequest, Report>.To<NeverBuilt>().ToString());
        Assert.Equal(before, NeverBuilt.Constructed);
        // The function cannot be built at all here: its dependency is not registered.
        using var scope = provider.CreateScope();
        Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<NeverBuilt>());
    }

    [Fact]
    public void AnOnFailureOverrideRegistersTheInngestFailureFunction()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSwitchyard(o => o.AppId = "billing").AddFunction<OnFailureTests.FailingCharge>().AddFunction<TypedReport>();
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<FunctionRegistry>();

        var failure = registry.Find("billing-charge-failure")!.ToConfig("billing", "http://app/api/switchyard");
        Assert.Equal("charge (failure)", failure.Name);
        var trigger = Assert.Single(failure.Triggers);
        Assert.Equal("inngest/function.failed", trigger.Event);
        Assert.Equal("event.data.function_id == 'billing-charge'", trigger.Expression);
        Assert.Equal(1, failure.Steps["step"].Retries!.Attempts);
        // Only functions that override OnFailureAsync get one.
        Assert.Null(registry.Find("billing-typed-report-failure"));
        Assert.Equal(3, registry.Count);
    }

    [Fact]
    public void AFunctionWithNeitherDefineNorConfigureFailsNamingIt()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSwitchyard(o => o.AppId = "static-app").AddFunction<Undescribed>();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<FunctionRegistry>().Count);
        Assert.Contains("Undescribed", e.Message, StringComparison.Ordinal);
        Assert.Contains("IFunctionDefinition", e.Message, StringComparison.Ordinal);
    }

    private sealed class Undescribed : SwitchyardFunction<JsonObject>
    {
        public override Task<object?> RunAsync(FunctionContext<JsonObject> context) => Task.FromResult<object?>(null);
    }
}
