using CsCheck;
using Switchyard.Configuration;

namespace Switchyard.Configuration.Tests;

public sealed class ConfigDurationTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("250ms", 0.25)]
    [InlineData("1.5h", 5400)]
    [InlineData("00:00:30", 30)]
    [InlineData("1.02:00:00", 93600)]
    [InlineData(" 8h ", 28800)]
    public void Durations_read_as_people_write_them(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ConfigDuration.TryParse(text));

    [Theory]
    [InlineData("30")]
    [InlineData("2.5")]
    [InlineData("-5s")]
    [InlineData("8 hours")]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-00:00:01")]
    [InlineData("10:00")]
    public void Nonsense_and_bare_numbers_are_not_durations(string text) => Assert.Null(ConfigDuration.TryParse(text));

    [Fact]
    public void A_bare_number_is_refused_with_a_message_naming_the_key()
    {
        var ex = Assert.Throws<FormatException>(() => ConfigDuration.Parse("30", "call_timeout"));
        Assert.Equal("call_timeout: '30' is a bare number: write the unit, e.g. 30s or 30m", ex.Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5400, "1h30m")]
    [InlineData(0.25, "250ms")]
    [InlineData(90061.001, "1d1h1m1s1ms")]
    public void Formatting_is_compact(double seconds, string text) => Assert.Equal(text, ConfigDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Every_non_negative_span_formats_to_text_that_parses_back_to_it() =>
        Gen.Long[0, TimeSpan.MaxValue.Ticks].Select(TimeSpan.FromTicks)
            .Sample(span => ConfigDuration.TryParse(ConfigDuration.Format(span)) == span, iter: 20_000);

    [Fact]
    public void Whole_milliseconds_format_in_units_not_the_c_format() =>
        Gen.Long[0, 1_000_000_000_000L].Select(TimeSpan.FromMilliseconds)
            .Sample(span => !ConfigDuration.Format(span).Contains(':', StringComparison.Ordinal), iter: 10_000);

    [Fact]
    public void Parsing_any_text_never_throws_anything_but_a_format_error()
    {
        // Arbitrary strings, and strings built from the grammar's own alphabet, which reach deeper.
        var alphabet = Gen.String[Gen.Char["0123456789.:-smhd "], 0, 24];
        Gen.OneOf(Gen.String, alphabet).Sample(text =>
        {
            try
            {
                ConfigDuration.Parse(text, "key");
            }
            catch (FormatException ex)
            {
                Assert.StartsWith("key: ", ex.Message, StringComparison.Ordinal);
            }
        }, iter: 50_000);
    }

    [Fact]
    public void Unit_terms_add_up() =>
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 999])
            .Sample((d, h, m, ms) => ConfigDuration.TryParse($"{d}d{h}h{m}m{ms}ms")
                == new TimeSpan(d, h, m, 0, ms), iter: 5_000);
}
