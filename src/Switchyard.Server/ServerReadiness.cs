using Switchyard.Engine.Storage;

namespace Switchyard.Server;

/// <summary>What <c>/health/ready</c> answers from: ready once <see cref="ServerStartup"/> has created or migrated the
/// store, and for as long as a cheap read of it succeeds. Kept apart from liveness so that an orchestrator takes a
/// replica out of rotation while its database is down instead of restarting a process that would only fail again.</summary>
public sealed class ServerReadiness
{
    /// <summary>How long the store may take to answer the probe's read. Below the probes' own timeouts in
    /// <c>deploy/k8s</c> (3 s), so the answer is a reasoned 503, not a probe timeout.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    private volatile bool _migrated;

    /// <summary>True once the store's schema is created or migrated.</summary>
    public bool Migrated => _migrated;

    /// <summary>Called by <see cref="ServerStartup"/> after <see cref="IStore.InitializeAsync"/>.</summary>
    internal void MarkMigrated() => _migrated = true;

    /// <summary>Null when ready, else why not: migrations pending, or the store failing or slow to answer a read of
    /// its last event sequence (an index lookup on either store).</summary>
    public async Task<string?> ProblemAsync(IStore store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_migrated) return "store migrations have not finished";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await store.Reader.LastEventSeqAsync(cts.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"store ({store.Kind}) did not answer within {timeout.TotalSeconds:0.#}s";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"store ({store.Kind}) unreachable: {e.Message}";
        }
    }
}

/// <summary>The body of <c>/health/live</c> and <c>/health/ready</c>: <c>live</c>, <c>ready</c>, or <c>unready</c>
/// with the reason.</summary>
/// <param name="Status">live, ready or unready.</param>
/// <param name="Reason">Why not ready; null otherwise.</param>
public sealed record HealthProbe(
    string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
