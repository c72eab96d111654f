namespace Switchyard.Cli.Tests;

/// <summary>A usage error is an envelope with the error and the fix when the caller reads JSON (issue 20), not help
/// text a script cannot parse.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("runs --count", "runs", "--count")]
    [InlineData("gateway mute", "gateway mute", "mute")]
    public async Task A_usage_error_prints_one_envelope_naming_the_problem_and_the_help_command(string line, string command, string named)
    {
        var run = await Yard.RunAsync([.. line.Split(' '), "--json"]);
        Assert.Equal(1, run.ExitCode);
        var envelope = run.Envelope;
        Assert.False(envelope["ok"]!.GetValue<bool>());
        Assert.Equal(command, envelope["command"]!.GetValue<string>());
        Assert.Equal("usage", envelope["error"]!["code"]!.GetValue<string>());
        Assert.Contains(named, envelope["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"yard {command} --help", envelope["next_actions"]![0]!["command"]!.GetValue<string>());
    }
}
