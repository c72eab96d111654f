using Switchyard.Configuration;

namespace Switchyard.Server.Tests.Telemetry;

/// <summary>The telemetry options bind from every source, and <c>yard config</c> never prints the token.</summary>
public sealed class TelemetryOptionsTests
{
    [Fact]
    public void Options_bind_from_flags_and_the_token_is_masked()
    {
        var config = SwitchyardConfiguration.Load(new Dictionary<string, string?>
        {
            ["telemetry_token"] = "supersecret-telemetry",
            ["telemetry-retention"] = "7.00:00:00",
            ["TelemetryFloodThreshold"] = "50",
            ["telemetry_flood_sample_one_in"] = "4",
        }, Path.Combine(TempDir.Create(), "none.toml"));

        Assert.Equal("supersecret-telemetry", config.Options.TelemetryToken);
        Assert.Equal(TimeSpan.FromDays(7), config.Options.TelemetryRetention);
        Assert.Equal(50, config.Options.TelemetryFloodThreshold);
        Assert.Equal(4, config.Options.TelemetryFloodSampleOneIn);
        var shown = config.Describe().Single(r => r.Key == nameof(ServerOptions.TelemetryToken));
        Assert.DoesNotContain("supersecret", shown.Value, StringComparison.Ordinal);
        Assert.Equal("flag", shown.Source);
    }
}
