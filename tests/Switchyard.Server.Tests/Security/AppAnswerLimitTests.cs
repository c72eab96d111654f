using Switchyard.Engine.Execution;
using Switchyard.Engine.Parsing;
using Switchyard.Protocol;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 2: an app's answer is a write path too (it becomes step outputs and run results), so an
/// answer nested past the depth limit fails the call with a clear error instead of being stored.</summary>
public sealed class AppAnswerLimitTests
{
    private static readonly Dictionary<string, string> FromSdk = new(StringComparer.OrdinalIgnoreCase) { [Headers.Sdk] = "js:v3.0.0" };

    [Theory]
    [InlineData(200)]
    [InlineData(206)]
    public void An_over_deep_answer_fails_the_call_naming_the_limit(int status)
    {
        var outcome = AppClient.Classify(status, FromSdk, Hostile.Nested(JsonLimits.MaxDepth + 8), 1);
        var failed = Assert.IsType<CallOutcome.Failed>(outcome);
        Assert.Equal("ProtocolError", failed.Error["name"]!.GetValue<string>());
        Assert.Contains($"nested deeper than {JsonLimits.MaxDepth}", failed.Error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_at_the_limit_completes()
    {
        var outcome = AppClient.Classify(200, FromSdk, Hostile.Nested(JsonLimits.MaxDepth), 1);
        Assert.IsType<CallOutcome.Completed>(outcome);
    }

    [Fact]
    public void A_streamed_answer_with_duplicate_keys_fails_the_call_without_throwing()
    {
        var outcome = AppClient.Classify(201, FromSdk, """{"status":200,"status":206,"body":"null"}""", 1);
        Assert.IsType<CallOutcome.Failed>(outcome);
    }
}
