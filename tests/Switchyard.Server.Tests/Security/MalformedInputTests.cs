using System.Net;
using System.Text;
using Switchyard.Server.Webhooks;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, findings 5 and 10: malformed input that used to answer 500 (or was stored) gets a 4xx naming the
/// field, and nothing is stored.</summary>
public sealed class MalformedInputTests : OnDevServer
{
    [Theory]
    [InlineData("/e/test", """{"name":"dup/a","name":"dup/b"}""", "'name'")]
    [InlineData("/e/test", """{"name":"dup/a","data":{"k":1,"k":2}}""", "'k'")]
    [InlineData("/observability/emit", """{"source":"s","source":"t","component":"c","action":"a"}""", "'source'")]
    public async Task Duplicate_keys_are_a_4xx_naming_the_key(string path, string json, string field)
    {
        Hostile.RefusedNaming(await Hostile.PostAsync(Server.Http, path, json), field);
        Assert.Empty(await Server.EventsAsync("dup/"));
    }

    [Theory]
    [InlineData("/e/test")]
    [InlineData("/observability/emit")]
    public async Task Invalid_utf8_and_lone_surrogates_are_a_4xx_naming_the_field(string path)
    {
        var invalidUtf8 = Encoding.UTF8.GetBytes("""{"name":"bad/x","source":"s","component":"c","action":"a","metadata":{},"data":{"v":"__"}}""");
        var at = Array.IndexOf(invalidUtf8, (byte)'_');
        invalidUtf8[at] = 0xff;
        invalidUtf8[at + 1] = 0xfe;
        Hostile.RefusedNaming(await Hostile.SendAsync(Server.Http, HttpMethod.Post, path, invalidUtf8), "'v'");
        Hostile.RefusedNaming(await Hostile.PostAsync(Server.Http, path,
            """{"name":"bad/y","source":"s","component":"c","action":"a","data":{"w":"\ud800"},"metadata":{"w":"\ud800"}}"""), "'w'");
        Assert.Empty(await Server.EventsAsync("bad/"));
    }

    [Theory]
    [InlineData("/v1/events?hours=NaN")]
    [InlineData("/v1/events?hours=Infinity")]
    [InlineData("/v1/runs?hours=NaN")]
    [InlineData("/v1/otel/list?hours=NaN")]
    [InlineData("/v1/otel/list?hours=Infinity")]
    [InlineData("/v1/otel/search?q=x&hours=NaN")]
    [InlineData("/v1/otel/stats?hours=NaN")]
    [InlineData("/v1/otel/stats?hours=-Infinity")]
    public async Task Hours_that_are_not_finite_are_a_4xx_naming_hours(string path) =>
        Hostile.RefusedNaming(await Hostile.GetAsync(Server.Http, path), "hours");

    [Fact]
    public async Task Null_functions_on_register_is_a_4xx_naming_functions() =>
        Hostile.RefusedNaming(await Hostile.PostAsync(Server.Http, "/fn/register", """{"url":"http://127.0.0.1:9/api","appName":"nulls","functions":null}"""), "functions");

    [Theory]
    [InlineData("99999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("253402300800000")]
    public void A_huge_webhook_timestamp_is_a_problem_not_an_exception(string value)
    {
        var problem = WebhookTimestamp.Problem(value, "Stripe-Signature t", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        Assert.NotNull(problem);
        Assert.Contains("Stripe-Signature t", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"nul/a\u0000b"}""", "name")]
    [InlineData("""{"name":"nul/line\nbreak"}""", "name")]
    [InlineData("""{"name":"nul/ok","id":"x\u0000y"}""", "id")]
    public async Task Event_names_and_ids_with_control_characters_are_refused_naming_the_field(string json, string field)
    {
        var answer = await Hostile.PostAsync(Server.Http, "/e/test", json);
        Hostile.RefusedNaming(answer, $"invalid_{field}");
        Assert.Contains("control characters", answer.Text, StringComparison.Ordinal);
        Assert.Empty(await Server.EventsAsync("nul/"));
    }

    [Theory]
    [InlineData("redis://:hunter2@cache:6379")]
    [InlineData("redis://default:hunter2@cache:6379")]
    [InlineData("cache:6379,password=hunter2,ssl=true")]
    [InlineData("http://collector:hunter2@otel:4318")]
    public void Redis_and_otlp_passwords_are_masked_in_yard_config(string url)
    {
        var config = Configuration.SwitchyardConfiguration.Load(
            new Dictionary<string, string?> { ["redis"] = url, ["otlp_endpoint"] = url, ["dev"] = "true" }, "/nonexistent/yard.toml", new Dictionary<string, string>());
        var rows = config.Describe().Where(r => r.Key is "Redis" or "OtlpEndpoint").ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain("hunter2", r.Value, StringComparison.Ordinal));
    }
}
