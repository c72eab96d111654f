using Microsoft.Extensions.Hosting;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Server;

/// <summary>Creates or migrates the store and loads the registry when the host starts. Registered before every other
/// Switchyard hosted service (the scheduler loads the queue from the store), and hosted services start before the
/// web server, so <c>/health</c> answering means the server accepts events.</summary>
internal sealed class ServerStartup(IStore store, FunctionRegistry registry, ServerReadiness readiness) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        readiness.MarkMigrated();
        await registry.ReloadAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
