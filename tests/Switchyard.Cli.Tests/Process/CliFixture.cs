using System.Text.Json.Nodes;
using Switchyard.Sdk;

namespace Switchyard.Cli.Tests.Process;

/// <summary>One in-process dev server with one synced SDK app, shared by every test of the "cli process" collection:
/// starting a server and an app per test would cost more than the commands under test.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public const string AppId = "cliproc";

    public TestServer Server { get; private set; } = null!;
    public TestApp App { get; private set; } = null!;

    /// <summary>The server's URL as the CLI is given it.</summary>
    public string Url => Server.Url.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        App = await TestApp.StartAsync(Server, AppId, sdk => sdk.AddFunction<Nightly>().AddFunction<Slow>().AddFunction<Double>().AddFunction<Pausable>().AddFunction<Failing>());
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>The id the server registered for the SDK function <paramref name="localId"/> (the server may qualify
    /// it with the app id, so it is looked up rather than assumed).</summary>
    public async Task<string> FunctionIdAsync(string localId)
    {
        var ids = (await Server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).ToList();
        return ids.Single(id => id == localId || id.EndsWith("-" + localId, StringComparison.Ordinal));
    }

    /// <summary>Runs <c>yard COMMAND ARGS --json --server URL</c>, asserts exit 0, <c>ok: true</c> and the envelope's
    /// command name, and returns the envelope.</summary>
    /// <param name="command">The command's words, e.g. <c>cron list</c>.</param>
    /// <param name="args">Its arguments and options.</param>
    public Task<JsonObject> OkAsync(string command, params string[] args) => OkAsync(command, args, "--server", Url);

    /// <summary>Runs <c>yard COMMAND ARGS --json TARGET</c> (<c>--server URL</c>, <c>--url GATEWAY</c>) and asserts as
    /// <see cref="OkAsync(string, string[])"/>.</summary>
    public static async Task<JsonObject> OkAsync(string command, IEnumerable<string> args, params string[] target)
    {
        string[] line = [.. command.Split(' '), .. args, "--json", .. target];
        var run = await Yard.RunAsync(line);
        Assert.True(run.ExitCode == 0, $"yard {string.Join(' ', line)} exited {run.ExitCode}: {run.Stdout} {run.Stderr}");
        var envelope = run.Envelope;
        Assert.True(envelope["ok"]!.GetValue<bool>(), envelope.ToJsonString());
        Assert.Equal(command, envelope["command"]!.GetValue<string>());
        return envelope;
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli process";
}

/// <summary>A cron function that never fires by itself during a test (03:00 daily), fired with <c>yard cron trigger</c>.</summary>
public sealed class Nightly : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("nightly").OnCron("0 3 * * *");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => await ctx.Step.RunAsync("tick", () => "ticked");
}

/// <summary>Sleeps for an hour, so a run stays in flight until it is cancelled.</summary>
public sealed class Slow : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("slow").OnEvent("cliproc/slow");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx)
    {
        await ctx.Step.SleepAsync("hold", TimeSpan.FromHours(1));
        return "woke";
    }
}

/// <summary>Returns a value computed from its data, so <c>yard invoke</c> has a result to print.</summary>
public sealed class Double : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("double").OnEvent("cliproc/double");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync("double", () => new { doubled = (ctx.Event.Data["x"]?.GetValue<int>() ?? 0) * 2 });
}

/// <summary>Paused and resumed by its test only, so pausing it cannot change what the other tests see.</summary>
public sealed class Pausable : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("pausable").OnEvent("cliproc/pausable");

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) => await ctx.Step.RunAsync("work", () => "done");
}

/// <summary>Fails at once and for good, so <c>yard send --follow</c> has a failed run to report.</summary>
public sealed class Failing : SwitchyardFunction<JsonObject>
{
    public override void Configure(FunctionBuilder f) => f.Id("failing").OnEvent("cliproc/failing").Retries(0);

    public override async Task<object?> RunAsync(FunctionContext<JsonObject> ctx) =>
        await ctx.Step.RunAsync<string>("explode", Explode);

    private static string Explode() => throw new NonRetriableException("boom");
}
