using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Engine.Model;
using Switchyard.Engine.Storage;

namespace Switchyard.Server.Replicas;

/// <summary>Writes this server replica's heartbeat (id, address, version, start, last beat) into the store every
/// <see cref="ServerOptions.ReplicaHeartbeat"/>, and a last one marked stopped on a clean shutdown, so that
/// <c>yard status</c> and <c>yard topology</c> on any replica list all of them, live and dead.</summary>
public sealed class ReplicaHeartbeat(IStore store, IServer server, IHostApplicationLifetime lifetime, ServerOptions options, TimeProvider time, ILogger<ReplicaHeartbeat> logger)
    : BackgroundService
{
    /// <summary>Replicas silent for longer than this are deleted from the store, so restarts do not pile up.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    private static readonly string Version =
        typeof(ReplicaHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private ReplicaRecord? _self;

    /// <summary>This replica's id: host, process id and a random suffix (several servers may share one process in tests
    /// and embedding hosts).</summary>
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The address is known (port 0 resolved) and the store migrated only once the host has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        _self = new ReplicaRecord(Id, Address(), Version, now, now, null);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(null, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store may be briefly unreachable; the next beat tries again, and peers see this one as silent meanwhile.
                logger.LogWarning(ex, "replica heartbeat failed");
            }
            catch (OperationCanceledException) { break; }
            try { await Task.Delay(options.ReplicaHeartbeat, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_self is null) return;
        try
        {
            await BeatAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Peers will list this replica as silent instead of stopped: shutdown goes on.
            logger.LogWarning(ex, "could not record this replica's clean stop");
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: same as above, without the noise.
        }
    }

    private Task BeatAsync(long? stoppedAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var beat = _self! with { LastBeatAt = now.ToUnixTimeMilliseconds(), StoppedAt = stoppedAt };
        var forget = (now - ForgetAfter).ToUnixTimeMilliseconds();
        return store.WriteAsync(tx => { tx.ReplicaBeat(beat, forget); return 0; }, ct);
    }

    private string Address()
    {
        if (!string.IsNullOrWhiteSpace(options.ServerUrl)) return options.ClientUrl.ToString().TrimEnd('/');
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return bound?.TrimEnd('/') ?? options.ClientUrl.ToString().TrimEnd('/');
    }
}
