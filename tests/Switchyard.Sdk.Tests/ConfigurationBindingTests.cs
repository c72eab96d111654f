using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk.Tests;

/// <summary><c>AddSwitchyard(IConfiguration)</c>, the <c>SWITCHYARD_*</c> environment variables, and validation.</summary>
public sealed class ConfigurationBindingTests
{
    private static SwitchyardOptions Resolve(Action<IServiceCollection> register, IDictionary? environment = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new SwitchyardEnvironment(() => environment ?? new Hashtable()));
        register(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SwitchyardOptions>>().Value;
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void ASectionBindsEveryOption()
    {
        var config = Config(("Switchyard:AppId", "bound-app"), ("Switchyard:ServerUrl", "http://10.0.0.5:8288"), ("Switchyard:ServePath", "/fns"),
            ("Switchyard:SyncOnStart", "true"), ("Switchyard:CheckpointBudget", "00:00:02"), ("Switchyard:AllowedRoles:0", "host"), ("Switchyard:Role", "host"));

        var o = Resolve(s => s.AddSwitchyard(config.GetSection("Switchyard")));

        Assert.Equal("bound-app", o.AppId);
        Assert.Equal(new Uri("http://10.0.0.5:8288"), o.ServerUrl);
        Assert.Equal("/fns", o.ServePath);
        Assert.True(o.SyncOnStart);
        Assert.Equal(TimeSpan.FromSeconds(2), o.CheckpointBudget);
        Assert.Equal(["host"], o.AllowedRoles);
        Assert.Equal("host", o.Role);
    }

    [Fact]
    public void AnUnknownKeyFailsNamingIt()
    {
        var config = Config(("Switchyard:AppId", "bound-app"), ("Switchyard:ServrUrl", "http://10.0.0.5:8288"));

        var e = Assert.Throws<InvalidOperationException>(() => Resolve(s => s.AddSwitchyard(config.GetSection("Switchyard"))));

        Assert.Contains("ServrUrl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadValueFailsNamingTheKey()
    {
        var config = Config(("Switchyard:AppId", "bound-app"), ("Switchyard:SyncOnStart", "sometimes"));

        var e = Assert.Throws<InvalidOperationException>(() => Resolve(s => s.AddSwitchyard(config.GetSection("Switchyard"))));

        Assert.Contains("SyncOnStart", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidationNamesTheMissingOrBadOption()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Resolve(s => s.AddSwitchyard(Config(("ServerUrl", "/relative")))));

        Assert.Contains("AppId is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("ServerUrl must be an absolute http(s) URL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentVariablesAreDefaultsThatConfigurationOverrides()
    {
        var environment = new Hashtable
        {
            ["SWITCHYARD_APP_ID"] = "env-app",
            ["SWITCHYARD_SERVER_URL"] = "http://10.9.9.9:8288",
            ["SWITCHYARD_SYNC_ON_START"] = "true",
            ["SWITCHYARD_SIGNING_KEY"] = "signkey-test-00",
            ["SWITCHYARD_API_TOKEN"] = "not an SDK option, ignored",
        };

        var fromEnvironment = Resolve(s => s.AddSwitchyard(), environment);
        Assert.Equal("env-app", fromEnvironment.AppId);
        Assert.Equal(new Uri("http://10.9.9.9:8288"), fromEnvironment.ServerUrl);
        Assert.True(fromEnvironment.SyncOnStart);
        Assert.Equal("signkey-test-00", fromEnvironment.SigningKey);

        var overridden = Resolve(s => s.AddSwitchyard(Config(("AppId", "config-app"))), environment);
        Assert.Equal("config-app", overridden.AppId);
        Assert.Equal(new Uri("http://10.9.9.9:8288"), overridden.ServerUrl);

        var inCode = Resolve(s => s.AddSwitchyard(o => o.ServerUrl = new Uri("http://127.0.0.1:1")), environment);
        Assert.Equal(new Uri("http://127.0.0.1:1"), inCode.ServerUrl);
        Assert.Equal("env-app", inCode.AppId);
    }

    [Fact]
    public void ABadEnvironmentValueFailsNamingTheVariable()
    {
        var environment = new Hashtable { ["SWITCHYARD_APP_ID"] = "env-app", ["SWITCHYARD_SYNC_ON_START"] = "maybe" };

        var e = Assert.Throws<InvalidOperationException>(() => Resolve(s => s.AddSwitchyard(), environment));

        Assert.Contains("SWITCHYARD_SYNC_ON_START", e.Message, StringComparison.Ordinal);
        Assert.Contains("SyncOnStart", e.Message, StringComparison.Ordinal);
    }
}
