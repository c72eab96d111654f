namespace Switchyard.Engine.Storage;

/// <summary>The durable store behind the engine. All writes go through <see cref="WriteAsync{T}"/>: the work runs
/// inside one transaction (grouped with other callers' work) and the returned task completes only after the
/// transaction is durably committed.</summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>Short kind name, e.g. <c>sqlite</c>.</summary>
    string Kind { get; }
    /// <summary>Where the data lives (file path, host/database).</summary>
    string Location { get; }
    /// <summary>Read-side queries.</summary>
    IStoreReader Reader { get; }

    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction and waits for a durable commit. If the work throws,
    /// none of its writes are kept and the exception is rethrown to the caller; other callers are unaffected.</summary>
    Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="work"/> in a transaction of the telemetry log and waits for a durable commit. On
    /// SQLite the log is a database file of its own with its own writer, so telemetry never queues behind (or holds
    /// up) the engine's writes; on PostgreSQL it is the same database.</summary>
    Task<T> WriteTelemetryAsync<T>(Func<ITelemetryTransaction, T> work, CancellationToken cancellationToken = default);
}
