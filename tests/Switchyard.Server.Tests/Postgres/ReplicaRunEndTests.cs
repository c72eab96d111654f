using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Engine.Model;
using Switchyard.Engine.Runs;
using Switchyard.Server.Tests.Infrastructure;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>A caller waiting on one replica for a run that ends on another (an invoke, <c>yard dag run --wait</c>) is
/// told when it ends, not at its next re-read of the store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaRunEndTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_wait_on_one_replica_ends_when_the_run_ends_on_another()
    {
        Assert.Null(postgres.Unavailable);
        var url = await postgres.CreateDatabaseAsync();
        await using var a = await TestServer.StartAsync(o => o.Store = url);
        // The waiting replica's clock never moves, so its periodic re-read never comes: only the run-end
        // notification from the other replica can end the wait.
        await using var b = await TestServer.StartAsync(o => o.Store = url, services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow)));
        await using var app = await TestApp.StartAsync(a, "ends", sdk => sdk.AddFunction<Napper>(), s => s.AddSingleton(new Probe()));

        var eventId = await a.SendEventAsync("e2e/sleep", new { ms = 3_600_000 });
        var runId = (await a.WaitForRunsOfEventAsync(eventId))[0]!["id"]!.GetValue<string>();
        var waiting = b.Services.GetRequiredService<RunCompletions>().WaitAsync(runId, TimeSpan.FromHours(1), CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        using (var cancel = await a.Http.PostAsync($"/v1/runs/{runId}/cancel", null)) Assert.True(cancel.IsSuccessStatusCode);
        // A bound for a hang, not a speed check: without the notification this wait never ends.
        var run = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Cancelled, run!.Status);
    }
}
