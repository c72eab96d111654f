using Switchyard.Configuration;

namespace Switchyard.Configuration.Tests;

public sealed class UnknownKeyTests : IDisposable
{
    private static readonly Dictionary<string, string> NoVariables = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("yard-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string toml)
    {
        var path = Path.Combine(_dir, "yard.toml");
        File.WriteAllText(path, toml);
        return path;
    }

    private SwitchyardConfiguration Load(string toml, Dictionary<string, string>? env = null) =>
        SwitchyardConfiguration.Load(configFile: Write(toml), environment: env ?? NoVariables);

    [Fact]
    public void A_misspelt_key_in_yard_toml_is_an_error_naming_the_key_and_the_file()
    {
        var file = Write("dta_dir = \"/var/yard\"\n");
        var ex = Assert.Throws<InvalidDataException>(() => SwitchyardConfiguration.Load(configFile: file, environment: NoVariables));
        Assert.Contains("dta_dir", ex.Message, StringComparison.Ordinal);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean data_dir?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_nested_key_names_its_table()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("[webhooks]\ngithub_secert = \"x\"\n"));
        Assert.Contains("webhooks.github_secert is not a setting (did you mean webhooks.github_secret?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("dta_dir = \"x\"\nprot = 1\ncall_timeout = 30\n"));
        Assert.Contains("dta_dir", ex.Message, StringComparison.Ordinal);
        Assert.Contains("prot", ex.Message, StringComparison.Ordinal);
        Assert.Contains("call_timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_number_for_a_duration_is_refused_with_the_key()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("call_timeout = 30\n"));
        Assert.Contains("call_timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bare number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_bind_in_the_configuration_grammar()
    {
        var options = Load("call_timeout = \"1h30m\"\ndedup_window = \"2d\"\n[webhooks]\ntimestamp_tolerance = \"00:02:00\"\n",
            new() { ["SWITCHYARD_RETRY_BASE_DELAY"] = "250ms" }).Options;
        Assert.Equal(TimeSpan.FromMinutes(90), options.CallTimeout);
        Assert.Equal(TimeSpan.FromDays(2), options.DedupWindow);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Webhooks.TimestampTolerance);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RetryBaseDelay);
    }

    [Fact]
    public void A_wrong_type_names_the_key()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("port = \"eighty\"\n"));
        Assert.Contains("port: 'eighty' is not a whole number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_switchyard_variable_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("", new() { ["SWITCHYARD_DTA_DIR"] = "/x" }));
        Assert.Contains("environment variable SWITCHYARD_DTA_DIR is not a setting (did you mean SWITCHYARD_DATA_DIR?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_service_links_and_variables_read_elsewhere_are_not_errors()
    {
        var options = Load("", new()
        {
            ["SWITCHYARD_PORT"] = "tcp://10.0.0.1:8288",
            ["SWITCHYARD_SERVICE_HOST"] = "10.0.0.1",
            ["SWITCHYARD_SERVICE_PORT"] = "8288",
            ["SWITCHYARD_SERVICE_PORT_HTTP"] = "8288",
            ["SWITCHYARD_PORT_8288_TCP"] = "tcp://10.0.0.1:8288",
            ["SWITCHYARD_PORT_8288_TCP_ADDR"] = "10.0.0.1",
            ["SWITCHYARD_PORT_8288_TCP_PORT"] = "8288",
            ["SWITCHYARD_PORT_8288_TCP_PROTO"] = "tcp",
            ["SWITCHYARD_GATEWAY_PORT"] = "tcp://10.0.0.2:3018",
            ["SWITCHYARD_GATEWAY_SERVICE_HOST"] = "10.0.0.2",
            ["SWITCHYARD_CONFIG"] = Path.Combine(_dir, "yard.toml"),
            ["SWITCHYARD_ROLE"] = "host",
            ["SWITCHYARD_EVENT_KEY"] = "ek",
            ["SWITCHYARD_GATEWAY_TOKEN"] = "t",
            ["SWITCHYARD_GATEWAY__CHANNELS__OPS__TOKEN"] = "1:abc",
            ["SWITCHYARD_SUPERVISOR__TELEMETRY_TOKEN"] = "tt",
            ["SWITCHYARD_SERVER_URL"] = "http://10.0.0.1:8288",
        }).Options;
        Assert.Equal(8288, options.Port);
        Assert.Equal("http://10.0.0.1:8288", options.ServerUrl);
    }

    [Fact]
    public void A_numeric_port_variable_is_still_the_port()
    {
        Assert.Equal(9000, Load("", new() { ["SWITCHYARD_PORT"] = "9000" }).Options.Port);
    }

    [Fact]
    public void Yard_config_says_where_each_value_came_from()
    {
        var config = Load("data_dir = \"/var/yard\"\ncall_timeout = \"30s\"\n", new() { ["SWITCHYARD_API_TOKEN"] = "secret-token" });
        var rows = config.Describe().ToDictionary(r => r.Key);
        Assert.StartsWith("toml (", rows["DataDir"].Source, StringComparison.Ordinal);
        Assert.Equal("30s", rows["CallTimeout"].Value);
        Assert.Equal("environment (SWITCHYARD_*)", rows["ApiToken"].Source);
        Assert.DoesNotContain("secret-token", rows["ApiToken"].Value, StringComparison.Ordinal);
        Assert.Equal("default", rows["Port"].Source);
    }

    [Theory]
    [InlineData("[[apps]]\nurl = \"http://x\"\n", "apps must be a value, not a table")]
    [InlineData("dev = \"yes\"\n", "dev: 'yes' is not true or false")]
    [InlineData("webhooks = \"on\"\n", "webhooks must be a table")]
    public void Values_of_the_wrong_shape_name_the_key(string toml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(toml));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipelines_are_read_as_written_and_keys_beside_them_are_still_checked()
    {
        var config = Load("""
            data_dir = ".x"
            [pipelines.nightly]
            schedule = "TZ=Europe/Paris 0 3 * * *"
            max_parallel = 2
            [[pipelines.nightly.nodes]]
            id = "build"
            handler = "shell"
            config = { command = "make", env = { MY_VAR = "1" } }
            """);
        var nightly = config.Options.Pipelines["nightly"];
        Assert.Equal("TZ=Europe/Paris 0 3 * * *", nightly["schedule"]!.GetValue<string>());
        Assert.Equal(2, nightly["max_parallel"]!.GetValue<long>());
        // Keys inside a pipeline keep their spelling (underscores too): they are a document, not options.
        Assert.Equal("1", nightly["nodes"]![0]!["config"]!["env"]!["MY_VAR"]!.GetValue<string>());

        var ex = Assert.Throws<InvalidDataException>(() => Load("""
            dta_dir = ".x"
            [pipelines.nightly]
            nodes = []
            """));
        Assert.Contains("dta_dir is not a setting", ex.Message);
        var env = Assert.Throws<InvalidDataException>(() => Load("", new() { ["SWITCHYARD_PIPELINES__NIGHTLY__SCHEDULE"] = "* * * * *" }));
        Assert.Contains("SWITCHYARD_PIPELINES__NIGHTLY__SCHEDULE", env.Message);
    }
}
