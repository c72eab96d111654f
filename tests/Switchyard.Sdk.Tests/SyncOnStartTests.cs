using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Sdk.Hosting;
using Switchyard.Sdk.Tests.Functions;

namespace Switchyard.Sdk.Tests;

/// <summary><see cref="SwitchyardOptions.SyncOnStart"/>: the app registers itself once it listens, retrying with
/// backoff on the app's <see cref="TimeProvider"/> until the server answers.</summary>
public sealed class SyncOnStartTests
{
    /// <summary>A stand-in for the server's <c>/fn/register</c> that answers 503 until told otherwise.</summary>
    private sealed class RegisterEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RegisterEndpoint(WebApplication app) => _app = app;

        public ConcurrentQueue<JsonObject> Bodies { get; } = new();

        public SemaphoreSlim Arrived { get; } = new(0);

        public int FailuresLeft { get; set; }

        public Uri Url => new(_app.Urls.First());

        public static async Task<RegisterEndpoint> StartAsync(int failures)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var endpoint = new RegisterEndpoint(app) { FailuresLeft = failures };
            app.MapPost("/fn/register", async (HttpRequest request) =>
            {
                endpoint.Bodies.Enqueue((await JsonNode.ParseAsync(request.Body))!.AsObject());
                var fail = endpoint.FailuresLeft-- > 0;
                endpoint.Arrived.Release();
                return fail ? Results.Json(new { error = "starting up" }, statusCode: 503) : Results.Json(new { ok = true, modified = true });
            });
            await app.StartAsync();
            return endpoint;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private static WebApplication BuildApp(Uri serverUrl, FakeTimeProvider time, bool syncOnStart)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSwitchyard(o =>
        {
            o.AppId = "boot-app";
            o.ServerUrl = serverUrl;
            o.SyncOnStart = syncOnStart;
            o.SigningKey = o.SigningKeyFallback = o.EventKey = "";
        }).AddFunction<TypedReport>();
        var app = builder.Build();
        app.MapSwitchyard();
        return app;
    }

    [Fact]
    public async Task RegistersOnceListeningRetryingWithBackoffUntilTheServerAnswers()
    {
        await using var server = await RegisterEndpoint.StartAsync(failures: 2);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var app = BuildApp(server.Url, time, syncOnStart: true);
        await app.StartAsync();
        var registration = app.Services.GetRequiredService<StartupRegistration>();

        Assert.True(await server.Arrived.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(registration.Done.IsCompleted);
        // The first wait is 1 s and the second 2 s: nothing is sent before the fake clock gets there.
        await AdvanceUntilArrivedAsync(time, server, TimeSpan.FromSeconds(1));
        await AdvanceUntilArrivedAsync(time, server, TimeSpan.FromSeconds(2));

        var answer = await registration.Done.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(answer.Ok);
        var status = app.Services.GetRequiredService<SyncOnStartStatus>();
        var answered = await status.Answered.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(answered.Ok);
        Assert.Same(answered, status.Last);
        Assert.Equal(3, server.Bodies.Count);
        var body = server.Bodies.Last();
        Assert.Equal("boot-app", (string?)body["appName"]);
        Assert.Equal(new Uri(new Uri(app.Urls.First()), "/api/switchyard").ToString(), (string?)body["url"]);
        Assert.Equal("boot-app-typed-report", (string?)body["functions"]![0]!["id"]);
        await app.StopAsync();
    }

    [Fact]
    public async Task ARealServerServesTheFunctionsOfAnAppThatSyncedOnStart()
    {
        await using var server = await Switchyard.Testing.TestServer.StartAsync();
        await using var app = await Switchyard.Testing.TestApp.StartAsync(server.Url, "boot-real", sdk => sdk.AddFunction<TypedReport>(), sync: false,
            configure: o => o.SyncOnStart = true);

        var answer = await app.Services.GetRequiredService<StartupRegistration>().Done.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(answer.Ok, answer.Message);
        var functions = (await server.GetAsync("/v1/functions"))["functions"]!.AsArray().Select(f => f!["id"]!.GetValue<string>());
        Assert.Contains("boot-real-typed-report", functions);

        var eventId = await server.SendEventAsync("test/report", new { user = "ada", pages = 2 });
        var runId = (await server.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        var run = await server.WaitForRunAsync(runId);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"user":"ada","pages":4,"sent":true}"""), run["run"]!["output"]), run.ToJsonString());
    }

    [Fact]
    public async Task WithoutSyncOnStartNothingIsRegistered()
    {
        await using var server = await RegisterEndpoint.StartAsync(failures: 0);
        await using var app = BuildApp(server.Url, new FakeTimeProvider(), syncOnStart: false);
        await app.StartAsync();

        // The service ends at once when the option is off; it then never answers.
        var registration = app.Services.GetRequiredService<StartupRegistration>();
        await registration.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(registration.Done.IsCompleted);
        Assert.Null(app.Services.GetRequiredService<SyncOnStartStatus>().Last);
        Assert.Empty(server.Bodies);
        await app.StopAsync();
    }

    /// <summary>Moves the clock by <paramref name="delay"/> in small ticks until the next attempt arrives; the retry
    /// timer may be registered just after a tick, so the clock is nudged until it fires.</summary>
    private static async Task AdvanceUntilArrivedAsync(FakeTimeProvider time, RegisterEndpoint server, TimeSpan delay)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var moved = TimeSpan.Zero;
        while (!await server.Arrived.WaitAsync(TimeSpan.FromMilliseconds(50)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the next registration attempt never came");
            var step = moved < delay ? delay - moved : TimeSpan.FromMilliseconds(100);
            Assert.True(moved < delay * 3, "the retry came much later than its backoff");
            time.Advance(step);
            moved += step;
        }
        Assert.True(moved >= delay, $"the retry came after {moved}, before its backoff of {delay}");
    }
}
