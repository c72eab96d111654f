using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Client;
using Switchyard.Client.Hosting;
using Switchyard.Client.Models;
using Switchyard.Sdk;
using Switchyard.Worker.Dags;
using Switchyard.Worker.Functions;
using Switchyard.Worker.Health;
using Switchyard.Worker.Hosting;
using Switchyard.Worker.Shell;

namespace Switchyard.Worker;

/// <summary>The built-in worker: an ASP.NET Core app serving the system's own functions through the C# SDK at
/// <c>/api/switchyard</c>, with liveness at <c>/health</c>. One codebase, two roles: the role picks the app id
/// (<c>&lt;app&gt;-host</c> / <c>&lt;app&gt;-cluster</c>) and the function set (see <see cref="WorkerFunction"/>).</summary>
public sealed class WorkerApp : IAsyncDisposable
{
    private const string BusClientName = "switchyard-worker-bus";

    private readonly WebApplication _app;
    private readonly WorkerEndpoint _endpoint;

    private WorkerApp(WebApplication app, WorkerOptions options, IReadOnlyList<string> functionIds)
    {
        _app = app;
        Options = options;
        FunctionIds = functionIds;
        _endpoint = app.Services.GetRequiredService<WorkerEndpoint>();
    }

    /// <summary>The settings the worker runs with.</summary>
    public WorkerOptions Options { get; }

    /// <summary>The app id the worker registers under, <c>&lt;app&gt;-&lt;role&gt;</c>.</summary>
    public string AppId => Options.RegisteredAppId;

    /// <summary>The ids of the functions this role serves, as registered.</summary>
    public IReadOnlyList<string> FunctionIds { get; }

    /// <summary>The SDK endpoint the server syncs and calls (valid once started).</summary>
    public Uri ServeUrl => _endpoint.ServeUrl;

    /// <summary>The liveness endpoint (valid once started).</summary>
    public Uri HealthUrl => _endpoint.HealthUrl;

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the worker. Throws <see cref="ArgumentException"/> for settings that cannot work and
    /// <see cref="InvalidOperationException"/> for a role the worker does not have (from the SDK's role check).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="configureLogging">Replaces the default logging (one-line console: warnings, and the worker's
    /// own information such as its sync) when given.</param>
    public static WorkerApp Build(WorkerOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Role))
            throw new ArgumentException($"The worker needs a role: {string.Join(" or ", WorkerRoles.All)}.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.AppId))
            throw new ArgumentException("The worker needs an app id.", nameof(options));
        if (options.Port is < 0 or > 65535)
            throw new ArgumentException($"Port {options.Port} is out of range.", nameof(options));

        var builder = WebApplication.CreateSlimBuilder();
        var host = options.Host.Contains(':', StringComparison.Ordinal) && !options.Host.StartsWith('[') ? $"[{options.Host}]" : options.Host;
        builder.WebHost.UseUrls($"http://{host}:{options.Port}");
        builder.Logging.ClearProviders();
        if (configureLogging is not null) configureLogging(builder.Logging);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Warning).AddFilter("Switchyard.Worker", LogLevel.Information);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddHttpClient(BusClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        // The worker's calls to the server besides the SDK's own: REST (health check), sync, telemetry.
        services.AddSingleton(sp => new Switchyard.Client.SwitchyardClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(BusClientName),
            new SwitchyardClientOptions { ServerUrl = options.ServerUrl, ApiToken = options.ApiToken, TelemetryToken = options.TelemetryToken }));
        services.AddSingleton<SyncState>();
        services.AddSingleton<WorkerEndpoint>();
        services.AddSingleton<FunctionHealthCheck>();
        services.AddHttpClient(DagNodeRunner.HttpClientName);
        services.AddSingleton<DagNodeRunner>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ShellRunner(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ShellExecutions>();
        services.AddSingleton<DagRunWatch>();
        var switchyard = services.AddSwitchyard(o =>
            {
                o.AppId = options.AppId;
                o.Role = options.Role;
                foreach (var role in WorkerRoles.All) o.AllowedRoles.Add(role);
                o.ServerUrl = options.ServerUrl;
                o.ServePath = WorkerEndpoint.ServePath;
                o.ServeOrigin = options.PublicUrl;
                // The SDK registers the worker once it listens, retrying until the server answers.
                o.SyncOnStart = options.SyncAtStart;
                if (!string.IsNullOrEmpty(options.EventKey)) o.EventKey = options.EventKey;
                if (!string.IsNullOrEmpty(options.SigningKey)) o.SigningKey = options.SigningKey;
            })
            .AddFunction<HeartbeatFunction>()
            .AddFunction<FunctionHealthFunction>()
            .AddFunction<DagFunction>();
        if (WorkerFunction.ServesShell(options)) switchyard.AddFunction<ShellFunction>();

        var app = builder.Build();
        // MapSwitchyard checks the role against the functions' roles, so an unknown role fails here, before listening.
        app.MapSwitchyard();
        var functionIds = WorkerFunction.For(options).Select(f => $"{options.AppId}-{f.Id}").ToList();
        app.MapWorkerHealth(options, functionIds);
        return new WorkerApp(app, options, functionIds);
    }

    /// <summary>Starts listening (and, with <see cref="WorkerOptions.SyncAtStart"/>, syncing in the background).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    /// <summary>Asks the server to sync this worker now and returns its answer (<c>POST /v1/apps/sync</c>).</summary>
    /// <exception cref="HttpRequestException">The server is unreachable.</exception>
    /// <exception cref="SwitchyardApiException">The sync failed.</exception>
    public Task<SyncResult> SyncAsync(CancellationToken cancellationToken = default) => _endpoint.SyncAsync(cancellationToken);

    /// <summary>Completes when the host shuts down (SIGTERM, Ctrl-C, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops gracefully: in-flight calls finish first.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
