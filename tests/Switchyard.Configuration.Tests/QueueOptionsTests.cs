namespace Switchyard.Configuration.Tests;

/// <summary><c>[queue]</c> and <c>[queue.families.NAME]</c>: bound strictly (typos are errors naming the key) and
/// checked at start (a family that could never dispatch is refused naming the missing key).</summary>
public sealed class QueueOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("yard-queue-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SwitchyardConfiguration Load(string toml)
    {
        var path = Path.Combine(_dir, "yard.toml");
        File.WriteAllText(path, toml);
        return SwitchyardConfiguration.Load(configFile: path, environment: new Dictionary<string, string>());
    }

    [Fact]
    public void Families_bind_with_their_handler_settings_and_durations()
    {
        var queue = Load("""
            [queue]
            age_after = "10m"

            [queue.families."discovery/noted"]
            priority = "P1"
            dedup_window = "60s"
            dedup_path = "url"
            handler = "event"
            event = "discovery/noted"

            [queue.families.hooks]
            handler = "http"
            url = "http://127.0.0.1:9000/hook"
            method = "PUT"
            concurrency = 4
            retries = 1
            timeout = "5s"
            headers = { Authorization = "Bearer x" }
            """).Options.Queue;
        Assert.Equal(TimeSpan.FromMinutes(10), queue.AgeAfter);
        var noted = queue.Families["discovery/noted"];
        Assert.Equal((QueuePriority.P1, TimeSpan.FromSeconds(60), "url", QueueHandlerKind.Event, "discovery/noted", 1),
            (noted.Priority, noted.DedupWindow, noted.DedupPath, noted.Handler!.Value, noted.Event, noted.Concurrency));
        var hooks = queue.Families["hooks"];
        Assert.Equal((QueuePriority.P2, QueueHandlerKind.Http, "PUT", 4, 1, TimeSpan.FromSeconds(5), "Bearer x"),
            (hooks.Priority, hooks.Handler!.Value, hooks.Method, hooks.Concurrency, hooks.Retries, hooks.Timeout, hooks.Headers["Authorization"]));
    }

    [Fact]
    public void A_misspelt_family_key_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("[queue.families.jobs]\nhandler = \"event\"\nevent = \"x/y\"\nconcurency = 2\n"));
        Assert.Contains("queue.families.jobs.concurency is not a setting (did you mean queue.families.jobs.concurrency?)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_handler_is_an_error_listing_the_handlers()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("[queue.families.jobs]\nhandler = \"redis\"\n"));
        Assert.Contains("queue.families.jobs.handler", ex.Message, StringComparison.Ordinal);
        Assert.Contains("one of event, pipeline, http", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_family_missing_its_handler_settings_is_refused_at_start_naming_the_key()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load("""
            [queue.families.a]
            handler = "event"
            [queue.families.b]
            handler = "pipeline"
            [queue.families.c]
            handler = "http"
            [queue.families.d]
            priority = "P0"
            """));
        Assert.Contains("queue.families.a.event is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("queue.families.b.pipeline is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("queue.families.c.url is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("queue.families.d.handler is required", ex.Message, StringComparison.Ordinal);
    }
}
