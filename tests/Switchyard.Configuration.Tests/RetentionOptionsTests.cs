namespace Switchyard.Configuration.Tests;

/// <summary><c>[retention]</c>: per-status durations in the one duration grammar, typos and unsafe values refused naming the key.</summary>
public sealed class RetentionOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yard-retention-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SwitchyardConfiguration Load(string toml, Dictionary<string, string>? environment = null)
    {
        var path = Path.Combine(_dir, "yard.toml");
        File.WriteAllText(path, toml);
        return SwitchyardConfiguration.Load(configFile: path, environment: environment ?? []);
    }

    [Fact]
    public void Durations_bind_per_status_and_from_the_environment()
    {
        var retention = Load("""
            [retention]
            completed = "3d"
            failed = "60d"
            cancelled = "0s"
            slice = 200
            """, new Dictionary<string, string> { ["SWITCHYARD_RETENTION__EVENTS"] = "2d" }).Options.Retention;
        Assert.Equal((TimeSpan.FromDays(3), TimeSpan.FromDays(60), TimeSpan.Zero, TimeSpan.FromDays(2), 200),
            (retention.Completed, retention.Failed, retention.Cancelled, retention.Events, retention.Slice));
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromDays(30)), (new RetentionOptions().Completed, new RetentionOptions().Failed));
    }

    [Fact]
    public void Typos_bare_numbers_and_events_kept_shorter_than_the_dedup_window_are_refused_naming_the_key()
    {
        Assert.Contains("retention", Assert.Throws<InvalidDataException>(() => Load("[retention]\ncompleeted = \"1d\"\n")).Message, StringComparison.Ordinal);
        Assert.Contains("bare number", Assert.Throws<InvalidDataException>(() => Load("[retention]\nfailed = \"30\"\n")).Message, StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => Load("[retention]\nevents = \"1h\"\n"));
        Assert.Contains("retention.events", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dedup_window", ex.Message, StringComparison.Ordinal);
        Assert.Contains("retention.slice", Assert.Throws<InvalidDataException>(() => Load("[retention]\nslice = 0\n")).Message, StringComparison.Ordinal);
    }
}
