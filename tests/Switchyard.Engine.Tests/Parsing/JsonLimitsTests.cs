using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Engine.Parsing;

namespace Switchyard.Engine.Tests.Parsing;

/// <summary>The one JSON check of every write path, and the tolerant parse of every view (issue 21, findings 2 and 5).</summary>
public sealed class JsonLimitsTests
{
    private static string Nested(int levels) => string.Concat(Enumerable.Repeat("[", levels)) + new string(']', levels);

    [Fact]
    public void The_limit_counts_the_outermost_value_as_one_level()
    {
        Assert.Null(JsonLimits.Problem(Nested(JsonLimits.MaxDepth)));
        Assert.Contains($"nested deeper than {JsonLimits.MaxDepth}", JsonLimits.Problem(Nested(JsonLimits.MaxDepth + 1)), StringComparison.Ordinal);
        Assert.NotNull(JsonLimits.ParseChecked(Encoding.UTF8.GetBytes(Nested(JsonLimits.MaxDepth))));
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "'a'")]
    [InlineData("""{"o":{"b":1,"b":1}}""", "'b'")]
    [InlineData("""{"s":"\ud800"}""", "'s'")]
    [InlineData("""{"s":"\udc00\ud800"}""", "'s'")]
    [InlineData("""{"a":""", "not valid JSON")]
    public void Problems_name_the_field(string json, string expected) =>
        Assert.Contains(expected, JsonLimits.Problem(json), StringComparison.Ordinal);

    [Fact]
    public void Invalid_utf8_is_a_problem_naming_the_field()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"u":"ab"}""");
        bytes[6] = 0xc3;
        bytes[7] = 0x28;
        Assert.Contains("'u'", JsonLimits.Problem(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Same_keys_in_different_objects_are_fine() => Assert.Null(JsonLimits.Problem("""[{"a":1},{"a":2,"o":{"a":3}}]"""));

    [Fact]
    public void Stored_values_always_parse_for_views()
    {
        Assert.Null(JsonLimits.ParseStored(null));
        Assert.Equal("not json", JsonLimits.ParseStored("not json")!.GetValue<string>());
        Assert.Contains("not shown", JsonLimits.ParseStored(Nested(62))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.IsType<JsonObject>(JsonLimits.ParseStored("""{"k":[1,2]}"""));
    }
}
