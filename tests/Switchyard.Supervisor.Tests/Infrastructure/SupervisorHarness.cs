using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Hosting;
using Switchyard.Supervisor.Supervision;
using Switchyard.Supervisor.Telemetry;

namespace Switchyard.Supervisor.Tests.Infrastructure;

/// <summary>A supervisor host in the test process (status endpoint on a free port), built from TOML so the tests go
/// through the loader, with every event captured.</summary>
public sealed class SupervisorHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SupervisorEvent> _events;

    private SupervisorHarness(WebApplication app, ConcurrentQueue<SupervisorEvent> events, SupervisorConfig config)
    {
        _app = app;
        _events = events;
        Config = config;
    }

    public SupervisorConfig Config { get; }

    public Uri StatusUrl => new(_app.Services.GetRequiredService<SupervisorService>().StatusUrl!);

    public IReadOnlyList<SupervisorEvent> Events => _events.ToList();

    /// <summary>Starts a supervisor over <paramref name="services"/> (TOML <c>[services.*]</c> tables), with its
    /// state under <paramref name="dir"/>; telemetry goes to <paramref name="serverUrl"/> (off when null).</summary>
    public static async Task<SupervisorHarness> StartAsync(string dir, string services, string? serverUrl = null)
    {
        var toml = $"""
            [supervisor]
            status_port = 0
            server_url = "{serverUrl ?? ""}"
            state_dir = "state"

            {services}
            """;
        var config = SupervisorConfigLoader.Parse(toml, dir, Path.Combine(dir, "supervisor.toml"));
        var events = new ConcurrentQueue<SupervisorEvent>();
        var options = new SupervisorOptions { OnEvent = events.Enqueue, StartupProbeInterval = TimeSpan.FromMilliseconds(50) };
        var app = SupervisorApp.Build(config, options, b => b.Logging.ClearProviders());
        await app.StartAsync();
        return new SupervisorHarness(app, events, config);
    }

    public IReadOnlyList<SupervisorEvent> Of(string action) => _events.Where(e => e.Action == action).ToList();

    public ServiceStatus Status(string service) =>
        _app.Services.GetRequiredService<SupervisorService>().Status().Services.Single(s => s.Name == service);

    /// <summary>Waits until <paramref name="count"/> events of <paramref name="action"/> have been emitted; returns the last of them.</summary>
    public async Task<SupervisorEvent> WaitForAsync(string action, int count = 1, double seconds = 30)
    {
        var found = await Eventually.GetAsync(() => Task.FromResult(Of(action) is { } events && events.Count >= count ? events : null),
            () => $"{count} × {action}; events: {string.Join(", ", _events.Select(e => e.Action + (e.Error is null ? "" : $" ({e.Error})")))}",
            TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(20));
        return found[count - 1];
    }

    /// <summary>Stops the host (and so every child) but keeps it for <see cref="Status"/>.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
