using System.Globalization;
using Switchyard.Engine.Execution;
using Switchyard.Protocol;

namespace Switchyard.Server.Tests.Execution;

/// <summary>An app's <c>Retry-After</c>: seconds, or an HTTP date read as how long after the moment the answer came
/// (the server's clock, so it means the same under a fake clock).</summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static TimeSpan? RetryAfter(string value)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [Headers.Sdk] = "js:v3.0.0", [Headers.RetryAfter] = value };
        var outcome = AppClient.Classify(500, headers, """{"name":"Error","message":"busy"}""", 1, Now);
        return Assert.IsType<CallOutcome.Failed>(outcome).RetryAfter;
    }

    [Fact]
    public void An_http_date_is_the_time_from_when_the_answer_came()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter(Now.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture)));
    }
}
