namespace Switchyard.Protocol.Tests;

public sealed class TimeStringTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2w1d", (14 + 1) * 86_400_000L)]
    [InlineData("250ms", 250)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2 minutes", 120_000)]
    public void Parses_durations(string text, long ms)
    {
        Assert.True(TimeString.TryParseDuration(text, out var d));
        Assert.Equal(ms, (long)d.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("s")]
    [InlineData("2030-01-01T00:00:00.000Z")]
    public void Rejects_non_durations(string text) => Assert.False(TimeString.TryParseDuration(text, out _));

    [Fact]
    public void Wake_time_accepts_iso_instants()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(TimeString.TryParseWakeTime("2030-01-01T00:00:00.000Z", now, out var at));
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), at);
        Assert.True(TimeString.TryParseWakeTime("10s", now, out var soon));
        Assert.Equal(now.AddSeconds(10), soon);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(400, "1s")]
    [InlineData(90_061_000, "1d1h1m1s")]
    public void Formats_compactly(long ms, string expected) => Assert.Equal(expected, TimeString.Format(TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void Format_round_trips()
    {
        var random = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            var seconds = random.NextInt64(1, 10_000_000);
            Assert.True(TimeString.TryParseDuration(TimeString.Format(TimeSpan.FromSeconds(seconds)), out var back));
            Assert.Equal(seconds, (long)back.TotalSeconds);
        }
    }
}
