using Switchyard.Configuration;
using Switchyard.Gateway.Configuration;
using Switchyard.Supervisor.Configuration;

namespace Switchyard.Configuration.Tests;

/// <summary>The gateway and supervisor files follow the rules of yard.toml: one duration grammar, unknown keys named
/// with the nearest valid one, secrets from the environment.</summary>
public sealed class LoaderTests
{
    private static readonly Dictionary<string, string> NoVariables = [];

    private const string Telegram = "[channels.ops-bot]\ntype = \"telegram\"\nchat_id = 1\n";

    [Fact]
    public void A_channel_token_comes_from_the_environment_and_overrides_the_file()
    {
        var config = GatewayConfigLoader.Parse(Telegram + "token = \"from-file\"\n", "/tmp", "gateway.toml",
            new Dictionary<string, string> { ["SWITCHYARD_GATEWAY__CHANNELS__OPS_BOT__TOKEN"] = "1:from-env" });
        Assert.Equal("1:from-env", config.Channels[0].Token);
    }

    [Fact]
    public void A_required_channel_token_may_be_left_out_of_the_file_when_the_environment_has_it()
    {
        var config = GatewayConfigLoader.Parse(Telegram, "/tmp", "gateway.toml",
            new Dictionary<string, string> { ["SWITCHYARD_GATEWAY__CHANNELS__OPS_BOT__TOKEN"] = "1:abc" });
        Assert.Equal("1:abc", config.Channels[0].Token);
    }

    [Fact]
    public void Gateway_secrets_come_from_namespaced_variables_over_the_file_and_shared_ones_under_it()
    {
        var config = GatewayConfigLoader.Parse("[gateway]\napi_token = \"file-token\"\nevent_key = \"file-key\"\n", "/tmp", "gateway.toml", new Dictionary<string, string>
        {
            ["SWITCHYARD_GATEWAY__CONTROL_TOKEN"] = "control",
            ["SWITCHYARD_GATEWAY__API_TOKEN"] = "env-token",
            ["SWITCHYARD_EVENT_KEY"] = "shared-key",
            ["SWITCHYARD_SIGNING_KEY"] = "shared-signing",
        });
        Assert.Equal("control", config.ControlToken);
        Assert.Equal("env-token", config.ApiToken);
        Assert.Equal("file-key", config.EventKey);
        Assert.Equal("shared-signing", config.SigningKey);
    }

    [Fact]
    public void An_unknown_gateway_variable_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidDataException>(() => GatewayConfigLoader.Parse(Telegram + "token = \"t\"\n", "/tmp", "gateway.toml",
            new Dictionary<string, string> { ["SWITCHYARD_GATEWAY__CHANNELS__OPS_BOT__TOKN"] = "x" }));
        Assert.Contains("SWITCHYARD_GATEWAY__CHANNELS__OPS_BOT__TOKN is not a gateway setting (did you mean SWITCHYARD_GATEWAY__CHANNELS__OPS_BOT__TOKEN?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_gateway_key_suggests_the_right_one()
    {
        var ex = Assert.Throws<InvalidDataException>(() => GatewayConfigLoader.Parse("[gateway]\ndigest_intervall = \"1m\"\n", "/tmp", "gateway.toml", NoVariables));
        Assert.Contains("gateway.toml: unknown key gateway.digest_intervall (did you mean digest_interval?)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[gateway]\nlease_ttl = 30\n", "gateway.lease_ttl must be a duration")]
    [InlineData(Telegram + "token = \"t\"\npoll_timeout = 25\n", "channels.ops-bot.poll_timeout must be a duration")]
    public void A_bare_number_is_not_a_gateway_duration(string toml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => GatewayConfigLoader.Parse(toml, "/tmp", "gateway.toml", NoVariables));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("bare number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_number_is_not_a_supervisor_duration()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            SupervisorConfigLoader.Parse("[services.w]\ncommand = \"x\"\nhealth_interval = 15\n", "/srv", "supervisor.toml", NoVariables));
        Assert.Contains("services.w.health_interval must be a duration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'15' is a bare number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_supervisor_telemetry_token_comes_from_the_environment()
    {
        const string toml = "[supervisor]\ntelemetry_token = \"file\"\n[services.w]\ncommand = \"x\"\n";
        Assert.Equal("env", SupervisorConfigLoader.Parse(toml, "/srv", null, new Dictionary<string, string> { ["SWITCHYARD_SUPERVISOR__TELEMETRY_TOKEN"] = "env" }).TelemetryToken);
        Assert.Equal("file", SupervisorConfigLoader.Parse(toml, "/srv", null, new Dictionary<string, string> { ["SWITCHYARD_TELEMETRY_TOKEN"] = "shared" }).TelemetryToken);
    }

    [Fact]
    public void A_misspelt_supervisor_key_suggests_the_right_one()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            SupervisorConfigLoader.Parse("[services.w]\ncommand = \"x\"\nhelth_interval = \"3s\"\n", "/srv", null, NoVariables));
        Assert.Contains("unknown key services.w.helth_interval (did you mean health_interval?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_supervisor_variable_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            SupervisorConfigLoader.Parse("[services.w]\ncommand = \"x\"\n", "/srv", null, new Dictionary<string, string> { ["SWITCHYARD_SUPERVISOR__TELEMETRY_TOKN"] = "x" }));
        Assert.Contains("SWITCHYARD_SUPERVISOR__TELEMETRY_TOKN is not a supervisor setting", ex.Message, StringComparison.Ordinal);
    }
}
